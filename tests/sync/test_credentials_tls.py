"""Secrets and transport security: tokens live in the keyring (or memory), never in a file; a machine
without a usable keyring is detected and explained; TLS is verified, with an organisation's own CA."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import pytest
import uvicorn
from sync_support import PASSWORD, DictKeyring, ThreadHub, make_console, prepare_hub_database

from ioc_console.hub.app import create_app
from ioc_console.hub.server import free_port
from ioc_console.hub.settings import HubSettings
from ioc_console.sync.client import HubClient, check_hub_url
from ioc_console.sync.credentials import (
    CredentialsUnavailable,
    KeyringCredentials,
    MemoryCredentials,
    backend_problem,
    system_credentials,
)
from ioc_console.sync.errors import CertificateError, Unauthorized

HUB = "https://hub.ninhthuan.gov.vn"


@pytest.mark.parametrize("make", [MemoryCredentials, lambda: KeyringCredentials(DictKeyring())])
def test_tokens_are_kept_per_hub_and_user_and_forgotten(make: object) -> None:
    store = make()  # type: ignore[operator]
    assert store.get_token(HUB, "lan.nt") is None
    store.set_token(HUB, "lan.nt", "ioc_token_lan")
    store.set_token(HUB + "/", "hung.tv", "ioc_token_hung")
    store.set_token("https://other.example.vn", "lan.nt", "ioc_token_other")
    assert store.get_token(HUB + "/", "lan.nt") == "ioc_token_lan"
    assert store.get_token(HUB, "hung.tv") == "ioc_token_hung"
    store.delete_token(HUB, "lan.nt")
    store.delete_token(HUB, "lan.nt")  # twice is fine
    assert store.get_token(HUB, "lan.nt") is None
    assert store.get_token("https://other.example.vn", "lan.nt") == "ioc_token_other"


def test_a_keyring_backend_that_cannot_keep_secrets_is_reported() -> None:
    for backend in (keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()):
        problem = backend_problem(backend)
        assert problem is not None and "keyring" in problem
        with pytest.raises(CredentialsUnavailable) as caught:
            KeyringCredentials(backend)
        words = caught.value.message("vi")
        assert "không có kho mật khẩu" in words and "chỉ được giữ đến khi đóng chương trình" in words
    assert backend_problem(DictKeyring()) is None


def test_without_a_keyring_the_session_only_store_is_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring, "get_keyring", lambda: keyring.backends.fail.Keyring())
    credentials, problem = system_credentials()
    assert isinstance(credentials, MemoryCredentials) and not credentials.persistent
    assert problem is not None
    usable = DictKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: usable)
    credentials, problem = system_credentials()
    assert isinstance(credentials, KeyringCredentials) and credentials.persistent and problem is None


def test_the_token_reaches_no_file_of_the_console(hub: ThreadHub, tmp_path: Path) -> None:
    hub.submit("Khói bụi từ xưởng gỗ ở Tháp Chàm")

    async def scenario() -> str:
        console = make_console(hub, tmp_path, "lan.nt", "secret")
        try:
            await console.engine.start()
            await console.engine.pull()
            token = console.client.token
            assert token
            return token
        finally:
            await console.close()

    token = asyncio.run(scenario()).encode()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files, "the console wrote its store"
    for path in files:
        assert token not in path.read_bytes(), path


def test_a_wrong_password_is_said_in_words(hub: ThreadHub) -> None:
    async def scenario() -> None:
        async with HubClient(hub.url, trust_env=False) as client:
            with pytest.raises(Unauthorized) as caught:
                await client.login("lan.nt", "sai-mật-khẩu")
            assert caught.value.message("vi") == "Tên đăng nhập hoặc mật khẩu không đúng."
            assert client.token is None
            session = await client.login("lan.nt", PASSWORD)
            assert client.token == session.token and session.user.display_name == "Nguyễn Thị Lan"
            assert (await client.me()).name == "lan.nt"
            await client.logout()
            assert client.token is None

    asyncio.run(scenario())


def test_plain_http_is_accepted_only_for_a_hub_on_this_machine() -> None:
    assert check_hub_url("http://127.0.0.1:8311/") == "http://127.0.0.1:8311"
    assert check_hub_url("http://localhost:8311") == "http://localhost:8311"
    assert check_hub_url(" https://hub.ninhthuan.gov.vn/ ") == HUB
    for bad in ("http://hub.ninhthuan.gov.vn", "ftp://hub", "hub.ninhthuan.gov.vn", "https://"):
        with pytest.raises(ValueError):
            check_hub_url(bad)


# -- TLS ---------------------------------------------------------------------------------------------


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """An organisation's CA and a server certificate it signed for 127.0.0.1 and localhost."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND tỉnh Ninh Thuận – CA thử nghiệm")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "hub.pem", folder / "hub.key"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_path, cert_path, key_path


@pytest.fixture(scope="module")
def tls_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    pytest.importorskip("cryptography")
    folder = tmp_path_factory.mktemp("tls")
    ca, cert, key = _certificates(folder)
    url = f"sqlite:///{folder / 'hub.sqlite3'}"
    prepare_hub_database(url)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(HubSettings(database_url=url)),
            host="127.0.0.1",
            port=port,
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the TLS hub did not start"
        time.sleep(0.02)
    try:
        yield f"https://127.0.0.1:{port}", ca
    finally:
        server.should_exit = True
        thread.join(10)


def test_tls_is_verified_against_the_organisations_ca(tls_hub: tuple[str, Path]) -> None:
    url, ca = tls_hub

    async def scenario() -> None:
        async with HubClient(url, ca_bundle=ca, trust_env=False) as trusted:
            session = await trusted.login("lan.nt", PASSWORD)
            assert session.user.name == "lan.nt"
        async with HubClient(url, trust_env=False) as untrusted:
            with pytest.raises(CertificateError) as caught:
                await untrusted.login("lan.nt", PASSWORD)
            words = caught.value.message("vi")
            assert "Chứng chỉ bảo mật" in words and "không được tin cậy" in words, words
        with pytest.raises(FileNotFoundError):
            HubClient(url, ca_bundle=ca.with_name("missing.pem"))

    asyncio.run(scenario())
