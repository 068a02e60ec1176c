"""The Open311 importer's parser against the real captured answers in ``shared/open311-samples``.

Each tolerance rule is shown on the real file that needs it: what the record becomes, and that the
rule is reported as fired (so an administrator sees it). Then what cannot be tolerated: located errors.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ioc_console.hub.importer.parse import (
    ParseError,
    RemoteError,
    parse_error_body,
    parse_requests,
    parse_services,
    parse_updates,
    sniff_format,
)
from ioc_console.hub.importer.rules import RULES

LA = ZoneInfo("America/Los_Angeles")


def samples_dir() -> Path:
    shared = os.environ.get("IOC_SHARED_DIR")
    base = Path(shared) if shared else Path(__file__).resolve().parents[2].parent / "shared"
    folder = base / "open311-samples"
    if not folder.is_dir():
        pytest.fail(f"the Open311 samples are not at {folder}: set IOC_SHARED_DIR to the shared folder")
    return folder


def sample(name: str) -> bytes:
    return (samples_dir() / name).read_bytes()


def by_id(items: tuple[object, ...], ident: str) -> object:
    found = [i for i in items if getattr(i, "service_request_id", None) == ident]
    assert len(found) == 1, ident
    return found[0]


# -- San Francisco 2012 (XML) --------------------------------------------------------------------------


def test_sf_capitalised_statuses_are_read_in_lower_case() -> None:
    raw = sample("sf_2012_get_requests.xml")
    parsed = parse_requests(raw, "xml", source="sf", zone=LA)
    assert len(parsed.items) == 56 and not parsed.errors
    closed = raw.count(b"<status>Closed</status>")
    assert closed > 0
    assert sum(r.closed for r in parsed.items) == closed
    assert {r.status for r in parsed.items} == {"open", "closed"}
    assert parsed.tolerated.counts["status_case"] == 56


def test_sf_times_without_zone_take_the_source_zone() -> None:
    raw = sample("sf_2012_get_requests.xml")
    first = parse_requests(raw, "xml", source="sf", zone=LA).items[0]
    # <requested_datetime>2012-05-22 23:57:23.97</requested_datetime>: space, fraction, no zone.
    assert first.requested_datetime == datetime(2012, 5, 22, 23, 57, 23, 970000, tzinfo=LA)
    assert first.requested_datetime.utcoffset() == timedelta(hours=-7)
    assert first.expected_datetime == datetime(2012, 5, 31, 8, 30, tzinfo=LA)
    parsed = parse_requests(raw, "xml", source="sf")
    assert parsed.items[0].requested_datetime == datetime(2012, 5, 22, 23, 57, 23, 970000, tzinfo=UTC)
    written = len(re.findall(rb"<(?:requested|updated|expected)_datetime>[^<]+<", raw))
    assert written == 56 + 4 + 40  # every request, the 4 updated ones, 40 with an expected time
    for name in ("datetime_space_separator", "datetime_fraction", "datetime_without_zone"):
        assert parsed.tolerated.counts[name] == written, name


def test_sf_xsi_nil_elements_have_no_value() -> None:
    raw = sample("sf_2012_get_requests.xml")
    parsed = parse_requests(raw, "xml", source="sf", zone=LA)
    nil_updated = raw.count(b'<updated_datetime xsi:nil="true"')
    assert nil_updated == 52
    assert sum(r.updated_datetime is None for r in parsed.items) == nil_updated
    assert sum(r.expected_datetime is None for r in parsed.items) == raw.count(
        b'<expected_datetime xsi:nil="true"'
    )
    assert parsed.tolerated.counts["xsi_nil"] == raw.count(b'xsi:nil="true"')
    with_update = [r for r in parsed.items if r.updated_datetime is not None]
    assert len(with_update) == 4 and all(r.updated_datetime.tzinfo is LA for r in with_update)  # type: ignore[union-attr]


def test_sf_zero_coordinates_and_zip_mean_unknown() -> None:
    raw = sample("sf_2012_get_requests.xml")
    parsed = parse_requests(raw, "xml", source="sf", zone=LA)
    zeros = raw.count(b"<lat>0.0</lat><long>0.0</long>")
    assert zeros == 9
    unknown = [r for r in parsed.items if r.lat is None]
    assert len(unknown) == zeros and all(r.long is None for r in unknown)
    assert all(r.zipcode is None for r in unknown)
    assert parsed.tolerated.counts["zero_coordinates"] == zeros
    assert parsed.tolerated.counts["zipcode_zero"] == raw.count(b"<zipcode>0</zipcode>")
    dumping = by_id(parsed.items, "1129792")
    assert (dumping.lat, dumping.long) == (37.77944, -122.404434)  # type: ignore[attr-defined]


def test_sf_padded_addresses_are_trimmed_and_single_spaced() -> None:
    parsed = parse_requests(sample("sf_2012_get_requests.xml"), "xml", source="sf", zone=LA)
    first = parsed.items[0]
    assert first.address == "SAN FRANCISCO , CA"
    assert by_id(parsed.items, "1129792").address == "INTERSECTION of FALMOUTH ST and FOLSOM ST"  # type: ignore[attr-defined]
    for r in parsed.items:
        assert r.address is not None and r.address == r.address.strip() and "  " not in r.address
    assert parsed.tolerated.counts["padded_address"] == 56


def test_sf_foreign_namespaces_on_the_root_and_missing_media_url() -> None:
    parsed = parse_requests(sample("sf_2012_get_requests.xml"), "xml", source="sf", zone=LA)
    assert parsed.tolerated.counts["foreign_namespaces"] == 1
    assert "<service_requests>" in parsed.tolerated.examples["foreign_namespaces"][0]
    assert all(r.media_url is None for r in parsed.items)
    # No <media_url> element at all: reported as omitted, once per request.
    media = [w for w in parsed.tolerated.examples["omitted_key"] if w.endswith("media_url")]
    assert media and parsed.tolerated.counts["omitted_key"] == 56
    services = parse_services(sample("sf_2012_get_services.xml"), "xml", source="sf")
    assert len(services.items) == 38 and services.tolerated.counts["foreign_namespaces"] == 1


def test_sf_underscored_service_names() -> None:
    services = parse_services(sample("sf_2012_get_services.xml"), "xml", source="sf")
    first = services.items[0]
    assert (first.service_code, first.service_name) == ("001", "Cans Left Out 24x7")
    assert first.keywords == () and first.group == "Litter Receptacles" and first.metadata is False
    assert services.tolerated.counts["underscored_service_name"] == sum(
        1
        for name in re.findall(rb"<service_name>([^<]*)</service_name>", sample("sf_2012_get_services.xml"))
        if b"_" in name
    )


# -- Bloomington 2012 (JSON) ---------------------------------------------------------------------------


def test_bloomington_zero_and_null_coordinates_mean_unknown() -> None:
    raw = sample("bloomington_2012_get_requests.json")
    parsed = parse_requests(raw, "json", source="bloomington")
    assert len(parsed.items) == 21 and not parsed.errors
    zeros = raw.count(b'"lat":0,"long":0')
    nulls = raw.count(b'"lat":null,"long":null')
    assert (zeros, nulls) == (6, 2)
    assert sum(r.lat is None for r in parsed.items) == zeros + nulls
    assert parsed.tolerated.counts["zero_coordinates"] == zeros
    assert parsed.tolerated.counts["coordinates_blank"] == nulls
    graffiti = by_id(parsed.items, "4fbd3beeb1fe2c9f5c000001")
    assert (graffiti.lat, graffiti.long) == (39.146551871103, -86.485448337464)  # type: ignore[attr-defined]
    assert graffiti.requested_datetime == datetime(2012, 5, 23, 15, 35, 8, tzinfo=UTC) - timedelta(hours=-4)  # type: ignore[attr-defined]


def test_bloomington_null_and_empty_strings_are_no_value() -> None:
    raw = sample("bloomington_2012_get_requests.json")
    parsed = parse_requests(raw, "json", source="bloomington")
    empties = len(re.findall(rb'":""', raw))
    assert empties > 0 and parsed.tolerated.counts["empty_string"] == empties
    weeds = by_id(parsed.items, "4fbd2b76b1fe2c195f000000")
    assert weeds.zipcode is None and weeds.media_url is None and weeds.address == "612 W Coolidge DR"  # type: ignore[attr-defined]
    feedback = by_id(parsed.items, "4fbd12bcb1fe2c1c7d000001")
    assert feedback.description is None and feedback.address is None  # type: ignore[attr-defined]
    yard = by_id(parsed.items, "4fbd14bbb1fe2c5214000000")
    assert yard.description is None and yard.status == "closed"  # type: ignore[attr-defined]
    # Keys that Bloomington never sends are reported as omitted.
    assert parsed.tolerated.counts["omitted_key"] == 21 * 3  # status_notes, service_notice, expected_datetime


def test_bloomington_crlf_and_escaped_slashes() -> None:
    raw = sample("bloomington_2012_get_requests.json")
    parsed = parse_requests(raw, "json", source="bloomington")
    first = parsed.items[0]
    assert first.description is not None
    assert first.description.endswith("I'm in a large pickup.\n\nThanks.") and "\r" not in first.description
    assert parsed.tolerated.counts["crlf_newlines"] == 1
    feedback = by_id(parsed.items, "4fbd12bcb1fe2c1c7d000001")
    assert feedback.media_url == (  # type: ignore[attr-defined]
        "https://bloomington.in.gov/crm/media/2012/05/23/4fbd12bcb1fe2c1c7d000001/media.jpg"
    )
    sidewalk = by_id(parsed.items, "4fbcf0f9b1fe2c706f000000")
    assert "plants/bushes/weeds" in sidewalk.description  # type: ignore[attr-defined]
    strings_with_escapes = len(re.findall(rb'"(?:[^"\\]|\\.)*\\/(?:[^"\\]|\\.)*"', raw))
    assert parsed.tolerated.counts["escaped_slash"] == strings_with_escapes == 3


# -- Chicago 2014, Toronto 2018, Gießen 2018 -------------------------------------------------------------


def test_chicago_omitted_keys() -> None:
    parsed = parse_requests(sample("chicago_2014_get_requests.json"), "json", source="chicago")
    light, building = parsed.items
    assert light.service_request_id == "14-01100669" and light.status_notes is None
    assert building.status_notes == "Locked"
    assert light.description is None and light.media_url is None and light.zipcode is None
    assert light.requested_datetime == datetime(2014, 7, 12, 15, 58, 43, tzinfo=UTC)
    omitted = parsed.tolerated.counts["omitted_key"]
    # description, service_notice, expected_datetime, address_id, zipcode, media_url (+ status_notes once)
    assert omitted == 2 * 6 + 1


def test_toronto_empty_updated_time_and_long_before_lat() -> None:
    parsed = parse_requests(sample("toronto_2018_get_requests.xml"), "xml", source="toronto")
    first = parsed.items[0]
    assert first.updated_datetime is None
    assert first.expected_datetime == datetime(2018, 8, 3, 4, 1, tzinfo=UTC)
    assert (first.lat, first.long) == (43.691104288, -79.272306875)
    assert first.status_notes == "In progress - The request has been scheduled."
    assert first.description is None and first.zipcode is None
    assert parsed.tolerated.counts["datetime_empty"] == 2
    assert parsed.tolerated.counts["long_before_lat"] == 2


def test_giessen_is_array_attribute_and_non_ascii_names() -> None:
    parsed = parse_services(sample("giessen_2018_get_services.xml"), "xml", source="giessen")
    assert [s.service_code for s in parsed.items] == ["015", "010", "013", "012", "011", "016", "017", "014"]
    assert parsed.items[4].service_name == "Straßen- und Gehwegschäden"
    assert parsed.items[4].keywords == ("litter", "trash", "garbage")
    assert parsed.tolerated.counts["is_array_attribute"] == 1


# -- the specification's examples ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "spec_v2_json-service-list.json",
        "spec_v2_json-service-request.json",
        "spec_v2_json-service-requests.json",
    ],
)
def test_spec_json_with_leading_zeros_is_not_json_but_is_read(name: str) -> None:
    raw = sample(name)
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw)
    parse = parse_services if "service-list" in name else parse_requests
    parsed = parse(raw, "json", source=name)
    assert parsed.tolerated.counts["json_leading_zero"] == len(re.findall(rb'":\s*-?0\d+(?=\s*[,}\]])', raw))
    codes = {getattr(item, "service_code") for item in parsed.items}  # noqa: B009
    assert codes <= {"001", "002", "003", "006"} and codes


def test_spec_requests_numbers_as_text_and_digits_in_strings_untouched() -> None:
    parsed = parse_requests(sample("spec_v2_json-service-requests.json"), "json", source="spec")
    first = parsed.items[0]
    assert first.service_request_id == "638344" and first.service_code == "006"
    assert first.address_id == "545483" and first.zipcode == "94122"
    assert (
        first.media_url == "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"
    )  # trailing space trimmed
    assert first.requested_datetime == datetime(2010, 4, 14, 14, 37, 38, tzinfo=UTC)
    assert parsed.tolerated.counts["number_as_text"] == 2 * 3
    assert parsed.tolerated.counts["padded_text"] == 1
    services = parse_services(sample("spec_v2_json-service-list.json"), "json", source="spec")
    assert services.items[0].service_name == "Cans left out 24x7"
    assert services.items[0].description is not None and "24 hours" in services.items[0].description
    assert services.items[0].keywords == ("lorem", "ipsum", "dolor") and services.items[0].metadata is True


def test_leading_zero_reader_leaves_strings_alone() -> None:
    body = '[{"service_request_id":"007","service_code":007,"status":"open","description":"code 007: \\"0012\\", 0.5, -01"}]'
    parsed = parse_requests(body, "json", source="t")
    item = parsed.items[0]
    assert (item.service_request_id, item.service_code) == ("007", "007")
    assert item.description == 'code 007: "0012", 0.5, -01'
    assert parsed.tolerated.counts["json_leading_zero"] == 1


def test_spec_xml_padded_values_are_trimmed() -> None:
    parsed = parse_requests(sample("spec_v2_xml-service-requests.xml"), "xml", source="spec")
    assert [r.media_url for r in parsed.items] == [
        "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg",
        "http://city.gov.s3.amazonaws.com/requests/media/638349.jpg",
    ]
    assert parsed.tolerated.counts["padded_text"] == 2
    assert parsed.items[0].description is None and parsed.items[0].status_notes == "Duplicate request."


@pytest.mark.parametrize(
    ("name", "fmt"), [("spec_v2_json-errors.json", "json"), ("spec_v2_xml-errors.xml", "xml")]
)
def test_error_bodies_after_an_http_status_line(name: str, fmt: str) -> None:
    raw = sample(name)
    assert raw.startswith(b"HTTP/1.1 403 Forbidden")
    with pytest.raises(RemoteError) as caught:
        parse_requests(raw, fmt, source=name)  # type: ignore[arg-type]
    error = caught.value
    assert error.status == 403
    assert error.errors == (("403", "Invalid api_key received -- can't proceed with create_request."),)
    assert name in str(error) and "Invalid api_key" in str(error)
    assert parse_error_body(raw, fmt, source=name).errors == error.errors  # type: ignore[arg-type]
    assert sniff_format(raw) == fmt
    (start, status), fired = RULES["http_status_line"].func(raw.decode())
    assert fired and status == 403 and raw.decode()[start:].lstrip().startswith(("[", "<?xml"))


def test_extension_fields_are_kept() -> None:
    parsed = parse_requests(sample("extensions_wiki_sf_2015_extended_attributes.json"), "json", source="sf")
    item = parsed.items[0]
    assert item.extra["extended_attributes"]["channel"] == "android"
    assert [n["type"] for n in item.extra["notes"]] == ["submitted", "opened"]
    assert item.extra["attributes"][0]["code"] == "Other_loose_garbage_debris_yard_waste"


# -- updates (FixMyStreet's extension; test fixtures, no real capture exists) -------------------------


def test_both_spellings_of_the_updates_root() -> None:
    fms = parse_updates(
        sample("fixture_not_real/fms_test_get_servicerequestupdates.xml"), "xml", source="fms"
    )
    adapter = parse_updates(
        sample("fixture_not_real/adapter_confirm_test_get_servicerequestupdates.xml"), "xml", source="adapter"
    )
    assert [(u.update_id, u.external_status_code) for u in fms.items] == [
        ("638344", "060"),
        ("638354", "101"),
    ]
    assert fms.items[0].updated_datetime == datetime(2024, 1, 15, 10, tzinfo=UTC)
    assert fms.items[0].description == "This is a note"
    assert [u.status for u in adapter.items] == ["in_progress", "in_progress", "duplicate"]
    assert adapter.items[2].service_request_id == "2002" and adapter.items[2].media_url is None
    assert "updates_root_spelling" not in fms.tolerated.counts
    assert adapter.tolerated.counts["updates_root_spelling"] == 1


def test_every_rule_is_documented_and_all_but_one_shown_on_real_files() -> None:
    fired: set[str] = set()
    for name, fmt, parse in [
        ("sf_2012_get_requests.xml", "xml", parse_requests),
        ("sf_2012_get_services.xml", "xml", parse_services),
        ("bloomington_2012_get_requests.json", "json", parse_requests),
        ("chicago_2014_get_requests.json", "json", parse_requests),
        ("toronto_2018_get_requests.xml", "xml", parse_requests),
        ("giessen_2018_get_services.xml", "xml", parse_services),
        ("spec_v2_json-service-requests.json", "json", parse_requests),
        ("fixture_not_real/adapter_confirm_test_get_servicerequestupdates.xml", "xml", parse_updates),
    ]:
        fired |= parse(sample(name), fmt, source=name).tolerated.fired()  # type: ignore[operator]
    if RULES["http_status_line"].func(sample("spec_v2_json-errors.json").decode())[1]:
        fired.add("http_status_line")
    # No real server is known to put its elements in a namespace, and none of the captures starts with
    # a byte order mark: both are shown on made-up documents (below, and in test_importer_poll).
    assert set(RULES) - fired == {"namespaced_elements", "utf8_bom"}
    for item in RULES.values():
        assert len(item.summary) > 20 and item.func.__doc__


def test_default_namespace_elements_are_read_by_local_name() -> None:
    body = (
        '<?xml version="1.0"?><service_requests xmlns="http://example.org/georeport">'
        "<request><service_request_id>1</service_request_id><status>open</status></request></service_requests>"
    )
    parsed = parse_requests(body, "xml", source="ns")
    assert parsed.items[0].service_request_id == "1"
    assert parsed.tolerated.counts["namespaced_elements"] == 4  # every element of the document


# -- what cannot be tolerated ------------------------------------------------------------------------------


def test_broken_xml_names_source_line_and_column() -> None:
    raw = sample("sf_2012_get_requests.xml")
    cut = raw[:5000]
    with pytest.raises(ParseError) as caught:
        parse_requests(cut, "xml", source="sf311")
    error = caught.value
    assert error.source == "sf311" and error.line == 2
    assert error.column is not None and error.column > 4000
    assert "not well-formed" in str(error) and str(error).startswith("sf311 at line 2, column")


def test_json_syntax_error_names_line_and_column() -> None:
    text = sample("chicago_2014_get_requests.json").decode()
    broken = text.replace('"status": "open",', '"status": "open"', 1)
    with pytest.raises(ParseError) as caught:
        parse_requests(broken, "json", source="chicago")
    bad_line = next(n for n, line in enumerate(broken.splitlines(), 1) if line.strip() == '"status": "open"')
    assert caught.value.line == bad_line + 1  # where the comma was expected: the next name
    assert "expected ',' or '}'" in str(caught.value)


def test_not_json_at_all() -> None:
    with pytest.raises(ParseError) as caught:
        parse_requests(b"<html><body>Service Unavailable</body></html>", "json", source="chicago")
    assert (caught.value.line, caught.value.column) == (1, 1)
    assert "expected JSON" in str(caught.value) and "chicago" in str(caught.value)


def test_wrong_document_for_the_question() -> None:
    with pytest.raises(ParseError, match="expected <service_requests> as the root element, found <services>"):
        parse_requests(sample("sf_2012_get_services.xml"), "xml", source="sf")


def test_an_unreadable_record_is_left_out_with_its_place_and_the_rest_kept() -> None:
    raw = sample("sf_2012_get_requests.xml").replace(
        b"<requested_datetime>2012-05-22 22:43:22.44</requested_datetime>",
        b"<requested_datetime>yesterday evening</requested_datetime>",
    )
    parsed = parse_requests(raw, "xml", source="sf311", zone=LA)
    assert len(parsed.items) == 55 and len(parsed.errors) == 1
    error = parsed.errors[0]
    assert (error.index, error.ident, error.field) == (4, "1129792", "requested_datetime")
    assert str(error).startswith("sf311: request 4 (id 1129792), line 2, column")
    assert "not a date and time: 'yesterday evening'" in str(error)


def test_a_document_type_declaration_is_refused() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<service_requests><request><service_request_id>&lol2;</service_request_id></request></service_requests>"
    )
    with pytest.raises(ParseError, match="document type declaration"):
        parse_requests(body, "xml", source="evil")
