"""Writing the demo's texts: citizens' descriptions in several voices, agencies' results, IOC replies.

A description is assembled from an :class:`~ioc_console.demo.issues.Issue`'s templates in one of five
voices — a long polite letter, a plain statement, a chatty message, a short angry one, and the note an
operator types for a hotline call — then sometimes typed without diacritics or with chat shorthand,
and sometimes carries a phone number or a house number.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate

from ioc_console.demo import issues as vocab
from ioc_console.demo.draw import pick, pick_weighted
from ioc_console.demo.issues import Issue
from ioc_console.demo.people import Person, typed_phone
from ioc_console.demo.places import Spot
from ioc_console.demo.style import chat, lower_first, sentence, strip_tones
from ioc_console.domain.lifecycle import Channel
from ioc_console.domain.replies import PUBLIC_CITIZEN

VOICES = ("polite", "plain", "chatty", "angry")
#: Voices per channel (hotline calls are written down by the operator).
_VOICE_WEIGHTS: dict[Channel, tuple[float, float, float, float]] = {
    Channel.WEB: (40, 45, 7, 8),
    Channel.APP: (12, 45, 23, 20),
    Channel.ZALO: (6, 30, 40, 24),
    Channel.FACEBOOK: (5, 25, 35, 35),
    Channel.HOTLINE: (0, 1, 0, 0),
}
_VOICE_CUM = {channel: tuple(accumulate(weights)) for channel, weights in _VOICE_WEIGHTS.items()}
#: Share of messages typed without diacritics, per channel.
NO_TONES = {
    Channel.WEB: 0.06,
    Channel.APP: 0.18,
    Channel.ZALO: 0.24,
    Channel.FACEBOOK: 0.3,
    Channel.HOTLINE: 0.0,
}

_DURATIONS = (
    "mấy ngày nay",
    "mấy bữa nay",
    "cả tuần nay",
    "hơn 1 tuần nay",
    "gần nửa tháng nay",
    "cả tháng nay",
    "từ đầu tháng đến giờ",
    "đã lâu",
    "nhiều tháng nay",
)
_SALUTES = (
    "Kính gửi Trung tâm Giám sát, điều hành đô thị thông minh {province}.",
    "Kính gửi các cơ quan chức năng.",
    "Kính gửi Trung tâm IOC {province}!",
    "Kính gửi UBND {unit}.",
    "Kính gửi quý cơ quan.",
)
_POLITE_LEADS = (
    "Tôi xin phản ánh sự việc như sau: ",
    "Tôi viết phản ánh này về việc ",
    "Qua hệ thống, tôi xin phản ánh: ",
    "",
)
_HISTORY = (
    "Tôi đã báo với tổ trưởng khu phố nhưng đến nay vẫn chưa được giải quyết.",
    "Người dân đã phản ánh nhiều lần nhưng chưa thấy chuyển biến.",
    "Sự việc đã kéo dài, bà con rất bức xúc.",
)
_POLITE_ASK = (
    "Kính đề nghị cơ quan chức năng sớm kiểm tra, xử lý dứt điểm",
    "Rất mong các cơ quan chức năng quan tâm giải quyết",
)
_THANKS = (
    "Xin chân thành cảm ơn!",
    "Trân trọng cảm ơn.",
    "Rất mong sớm nhận được phản hồi. Xin cảm ơn.",
    "Xin cảm ơn.",
)
_CHAT_OPEN = (
    "Cho em phản ánh: ",
    "Em xin phản ánh ",
    "Ad ơi, ",
    "Alo IOC, ",
    "Nhờ anh chị xem giúp: ",
    "Dạ cho hỏi, ",
    "",
)
_CHAT_ASK = (
    "Mong các anh chị xử lý giúp ạ",
    "Nhờ chính quyền xem giúp bà con với ạ",
    "Mong được quan tâm sớm ạ",
    "Làm ơn xử lý giúp dân với",
    "Cảm ơn ad",
)
_ANGRY_TAIL = (
    "",
    "",
    " Phản ánh mấy lần rồi mà không ai xử lý!",
    " Chính quyền ở đâu???",
    " Bức xúc quá!",
    " Đề nghị xử lý gấp!!!",
    " Đã phản ánh lần 2 rồi nha.",
)
_HOTLINE_LEADS = (
    "Người dân gọi đường dây nóng 1022 phản ánh: ",
    "Công dân phản ánh qua điện thoại: ",
    "{honorific} {name} gọi điện phản ánh: ",
    "Tiếp nhận qua tổng đài 1022: ",
)
_HOTLINE_ASK = (
    "Đề nghị đơn vị chức năng kiểm tra, xử lý.",
    "Người dân đề nghị kiểm tra, xử lý sớm.",
    "Đề nghị đơn vị kiểm tra và phản hồi cho công dân.",
)
_PHONE_LINES = (
    "SĐT liên hệ: {phone}.",
    "Có gì liên hệ em số {phone}.",
    "Số điện thoại của tôi: {phone}",
    "Đt {phone}",
    "Liên hệ {phone} nếu cần thêm thông tin.",
)
_PHOTO_LINES = (
    "Tôi xin gửi kèm hình ảnh.",
    "Có hình ảnh kèm theo.",
    "Em gửi kèm hình.",
    "Hình ảnh đính kèm.",
)


def when_phrase(at: datetime) -> str:
    """How a citizen names the moment: "sáng nay", "chiều nay", "tối qua"..."""
    hour = at.hour
    if hour < 5:
        return "đêm qua"
    if hour < 11:
        return "sáng nay"
    if hour < 13:
        return "trưa nay"
    if hour < 18:
        return "chiều nay"
    return "tối nay"


@dataclass
class Slots:
    at: str
    name: str
    when: str
    dur: str

    def mapping(self) -> dict[str, str]:
        return {
            "at": self.at,
            "At": self.at[:1].upper() + self.at[1:],
            "name": self.name,
            "Name": self.name[:1].upper() + self.name[1:],
            "when": self.when,
            "When": self.when[:1].upper() + self.when[1:],
            "dur": self.dur,
        }


def fill(template: str, slots: Slots) -> str:
    return template.format_map(slots.mapping())


@dataclass(frozen=True)
class Written:
    """A description as written, and what was put into it (for tests and for the title)."""

    text: str
    voice: str
    no_tones: bool
    phone_inside: bool


def describe(
    rng: random.Random,
    issue: Issue,
    spot: Spot,
    at: datetime,
    channel: Channel,
    *,
    who: Person | None,
    phone: str,
    province: str,
    unit_label: str,
    with_photo: bool,
) -> Written:
    """The citizen's description of ``issue`` at ``spot``, in a voice that fits the channel."""
    slots = Slots(spot.at, spot.name, when_phrase(at), pick(rng, _DURATIONS))
    voice = "hotline" if channel is Channel.HOTLINE else pick_weighted(rng, VOICES, _VOICE_CUM[channel])
    core = fill(pick(rng, issue.core), slots)
    effect = pick(rng, issue.effect + vocab.GENERIC_EFFECT[issue.kind])
    ask = pick(rng, issue.ask)
    parts: list[str] = []
    phone_inside = False
    if voice == "polite":
        parts.append(pick(rng, _SALUTES).format(province=province, unit=unit_label))
        if who is not None and rng.random() < 0.6:
            home = spot.address if spot.house and rng.random() < 0.5 else unit_label
            parts.append(f"Tôi tên là {who.full_name}, hiện cư trú tại {home}.")
        lead = pick(rng, _POLITE_LEADS)
        parts.append(sentence(lead + (lower_first(core) if lead else core)))
        parts.append(sentence(effect))
        if rng.random() < 0.35:
            parts.append(pick(rng, _HISTORY))
        parts.append(sentence(pick(rng, (*_POLITE_ASK, ask))))
        if with_photo and rng.random() < 0.5:
            parts.append(pick(rng, _PHOTO_LINES))
        if phone and rng.random() < 0.3:
            parts.append(f"Số điện thoại liên hệ: {typed_phone(rng, phone)}.")
            phone_inside = True
        parts.append(pick(rng, _THANKS))
        separator = "\n" if rng.random() < 0.5 else " "
        text = parts[0] + separator + " ".join(parts[1:])
    elif voice == "plain":
        parts.append(sentence(core))
        if rng.random() < 0.7:
            parts.append(sentence(effect))
        parts.append(sentence(ask))
        if phone and rng.random() < 0.15:
            parts.append(pick(rng, _PHONE_LINES).format(phone=typed_phone(rng, phone)))
            phone_inside = True
        text = " ".join(parts)
    elif voice == "chatty":
        opener = pick(rng, _CHAT_OPEN)
        body = lower_first(core) if opener else core
        extra = []
        if with_photo and rng.random() < 0.3:
            extra.append(pick(rng, _PHOTO_LINES))
        if phone and rng.random() < 0.2:
            extra.append(pick(rng, _PHONE_LINES).format(phone=typed_phone(rng, phone)))
            phone_inside = True
        text = f"{opener}{body} ạ. {pick(rng, _CHAT_ASK)}"
        if extra or rng.random() < 0.4:
            text += "."
        if extra:
            text += " " + " ".join(extra)
        if rng.random() < 0.5:
            text = chat(text, rng)
    elif voice == "angry":
        text = sentence(fill(pick(rng, issue.angry), slots)) + pick(rng, _ANGRY_TAIL)
        if rng.random() < 0.4:
            text = chat(text, rng)
        if rng.random() < 0.25:
            text = lower_first(text)
    else:  # hotline, written by the operator, who reports what the caller said
        core = third_person(core)
        effect = third_person(effect)
        lead = pick(rng, _HOTLINE_LEADS)
        if "{name}" in lead:
            if who is None:
                lead = _HOTLINE_LEADS[0]
            else:
                lead = lead.format(honorific=who.honorific.capitalize(), name=who.full_name)
        parts.append(lead + lower_first(core) + ".")
        if rng.random() < 0.6:
            parts.append(sentence(effect))
        parts.append(pick(rng, _HOTLINE_ASK))
        text = " ".join(parts)
    no_tones = rng.random() < NO_TONES[channel]
    if no_tones:
        text = strip_tones(text)
    return Written(text, voice, no_tones, phone_inside)


_FIRST_PERSON = (
    ("Gia đình tôi", "Gia đình công dân"),
    ("gia đình tôi", "gia đình công dân"),
    ("Tôi ", "Công dân "),
    (", tôi ", ", công dân "),
)


def third_person(text: str) -> str:
    """What a caller said about themselves, as the operator writes it down ("tôi" → "công dân")."""
    for mine, theirs in _FIRST_PERSON:
        text = text.replace(mine, theirs)
    return text


def title(issue: Issue, spot: Spot) -> str:
    return f"{issue.title} – {spot.name}"


def spam(rng: random.Random, phone: str, channel: Channel) -> str:
    """A message the IOC rejects: advertising and noise, or a matter outside the service's scope."""
    if channel is Channel.HOTLINE:
        return "Công dân gọi điện đề nghị: " + lower_first(pick(rng, vocab.OUT_OF_SCOPE)) + "."
    if rng.random() < 0.55:
        return pick(rng, vocab.SPAM).format(phone=phone or "0912345678")
    return pick(rng, vocab.OUT_OF_SCOPE)


def day_month(at: datetime) -> str:
    return f"ngày {at.day}/{at.month}/{at.year}"


def fine(rng: random.Random) -> str:
    amount = pick(rng, (500_000, 750_000, 1_000_000, 1_500_000, 2_000_000, 3_500_000, 5_000_000, 7_500_000))
    return f"{amount:,}".replace(",", ".")


def fine_total(rng: random.Random) -> str:
    amount = rng.randrange(8, 80) * 1_000_000 + pick(rng, (0, 500_000))
    return f"{amount:,}".replace(",", ".")


_RESULT_LEADS = (
    "Qua kiểm tra, {agency} đã {action}.",
    "Qua kiểm tra thực tế, {agency} đã {action}.",
    "Sau khi tiếp nhận phản ánh, {agency} đã {action}.",
    "Ngay sau khi nhận được phản ánh, {agency} đã {action}.",
    "{Agency} đã {action}.",
)
_REPLY_OPEN = (
    "Trung tâm Giám sát, điều hành đô thị thông minh {province} trả lời phản ánh của {you} như sau:",
    "Cảm ơn {you} đã gửi phản ánh.",
    "Trả lời phản ánh của {you} về việc {topic}:",
)
_REPLY_CLOSE = (
    "Trung tâm xin thông tin để {you} được biết.",
    "Trân trọng cảm ơn {you} đã quan tâm, phản ánh.",
    "Mọi thắc mắc xin liên hệ đường dây nóng 1022.",
    "Rất mong tiếp tục nhận được sự đồng hành của {you}.",
)


def result(
    rng: random.Random,
    issue: Issue,
    *,
    agency: str,
    local: str,
    done: datetime,
    via: str = "",
) -> str:
    """The agency's report of what it did: "Qua kiểm tra, UBND phường ... đã ... Kết quả: ...".

    ``via`` names the agency that did the work on the reporting agency's instructions (after an
    escalation): "UBND huyện ... đã chỉ đạo Công ty Cấp nước ... thay đoạn ống bị vỡ".
    """
    action, outcome = pick(rng, issue.results)
    values = {"local": local, "date": day_month(done), "fine": fine(rng), "fine_total": fine_total(rng)}
    action = action.format_map(values)
    if via and not action.startswith("chỉ đạo"):
        action = f"chỉ đạo {via} {action}"
    outcome = outcome.format_map(values)
    lead = pick(rng, _RESULT_LEADS).format(
        agency=agency, Agency=agency[:1].upper() + agency[1:], action=action
    )
    return f"{lead} Kết quả: {outcome}."


def you(who: Person | None) -> str:
    if who is None:
        return "ông/bà"
    return f"{who.honorific} {who.full_name}"


def reply(
    rng: random.Random, issue: Issue, result_text: str, *, who: Person | None, province: str
) -> tuple[str, str]:
    """The IOC's reply quoting the agency's result: the letter to the citizen (by name) and the
    public reply (which speaks of "người phản ánh"), worded alike."""
    opening, closing = pick(rng, _REPLY_OPEN), pick(rng, _REPLY_CLOSE)
    topic = lower_first(issue.title)
    addressee = you(who)
    letter = (
        f"{opening.format(province=province, you=addressee, topic=topic)} {result_text} "
        f"{closing.format(you=addressee.split(' ')[0] if who else addressee)}"
    )
    public = (
        f"{opening.format(province=province, you=PUBLIC_CITIZEN, topic=topic)} {result_text} "
        f"{closing.format(you=PUBLIC_CITIZEN)}"
    )
    return letter, public
