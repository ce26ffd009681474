"""The TLS handshake MultiSafepay makes, and what the endpoint's certificate says.

When verification fails, ``ssl`` gives no certificate details, yet "expired on
3 March" or "issued for www.shop.nl" is what the merchant needs to hear. So the
certificate is then fetched again over an unverified handshake, only to be read:
nothing is sent over that connection.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID

from msp_desk.webhooks.network import Cancelled, CancelToken

# OpenSSL's X509_V_ERR_* codes for the refusals a merchant can fix.
_NOT_YET_VALID = 9
_EXPIRED = 10
_SELF_SIGNED = 18
_SELF_SIGNED_IN_CHAIN = 19
_UNKNOWN_ISSUER = frozenset({2, 20, 21})
_NAME_MISMATCH = frozenset({62, 64})


@dataclass(frozen=True)
class Certificate:
    subject: str
    issuer: str
    names: tuple[str, ...]
    not_before: dt.datetime
    not_after: dt.datetime

    @classmethod
    def from_der(cls, der: bytes) -> Certificate:
        cert = x509.load_der_x509_certificate(der)
        try:
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            names = tuple(san.get_values_for_type(x509.DNSName)) + tuple(
                str(ip) for ip in san.get_values_for_type(x509.IPAddress)
            )
        except x509.ExtensionNotFound:
            names = ()
        return cls(
            subject=_name(cert.subject),
            issuer=_name(cert.issuer),
            names=names,
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
        )


def _name(name: x509.Name) -> str:
    """``"R11 (Let's Encrypt)"``: the common name and organisation, as people say them."""
    common = [str(a.value) for a in name.get_attributes_for_oid(NameOID.COMMON_NAME)]
    organisation = [str(a.value) for a in name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    if common and organisation:
        return f"{common[0]} ({organisation[0]})"
    return (common or organisation or [name.rfc4514_string() or "(no name)"])[0]


@dataclass(frozen=True)
class Handshake:
    protocol: str
    certificate: Certificate | None


class CertificateRefused(Exception):
    """Verification failed; the message says why in a merchant's words."""

    def __init__(self, message: str, certificate: Certificate | None) -> None:
        super().__init__(message)
        self.certificate = certificate


def client_context(ca_bundle: str | None) -> ssl.SSLContext:
    """Verifies the chain and the host name, like any HTTPS client; ``ca_bundle`` replaces the system CAs."""
    return ssl.create_default_context(cafile=ca_bundle)


def handshake(
    sock: socket.socket, host: str, context: ssl.SSLContext, *, timeout: float, cancel: CancelToken
) -> ssl.SSLSocket:
    """The TLS socket over ``sock``; raises ``ssl.SSLCertVerificationError`` as ``ssl`` does.

    The handshake runs after wrapping so that a cancel can shut the wrapped socket down.
    """
    sock.settimeout(timeout)
    tls = context.wrap_socket(sock, server_hostname=host, do_handshake_on_connect=False)
    with cancel.guarding(tls, timeout) as deadline:
        try:
            tls.do_handshake()
        except OSError as error:
            tls.close()
            cancel.check()
            # Whichever fires first: the socket's own timeout or the guard's shutdown.
            if deadline.passed or isinstance(error, TimeoutError):
                raise TimeoutError(f"no TLS handshake within {timeout:g} s") from None
            raise
    return tls


def peer_certificate(tls: ssl.SSLSocket) -> Certificate | None:
    der = tls.getpeercert(binary_form=True)
    return Certificate.from_der(der) if der else None


def read_unverified(
    sock: socket.socket, host: str, *, timeout: float, cancel: CancelToken
) -> Certificate | None:
    """The certificate the server presents, without trusting it; None if even that fails."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with handshake(sock, host, context, timeout=timeout, cancel=cancel) as tls:
            return peer_certificate(tls)
    except Cancelled:
        raise
    except (OSError, ValueError):
        return None


def refusal(error: ssl.SSLCertVerificationError, host: str, certificate: Certificate | None) -> str:
    """Why the certificate was refused, with the facts that let the merchant fix it."""
    code = error.verify_code
    if code == _EXPIRED and certificate is not None:
        return f"The certificate expired on {certificate.not_after:%Y-%m-%d %H:%M} UTC."
    if code == _NOT_YET_VALID and certificate is not None:
        return f"The certificate is not valid before {certificate.not_before:%Y-%m-%d %H:%M} UTC."
    if code in _NAME_MISMATCH:
        names = ", ".join(certificate.names) if certificate and certificate.names else "other names"
        return f"The certificate is for {names}, not for {host}."
    if code == _SELF_SIGNED:
        return (
            "The certificate is self-signed; MultiSafepay trusts only certificates issued by a public "
            "certificate authority."
        )
    if code == _SELF_SIGNED_IN_CHAIN or code in _UNKNOWN_ISSUER:
        return (
            "The certificate chain is not trusted: it ends in an unknown certificate authority, or the "
            "server does not send its intermediate certificate."
        )
    return f"The certificate was refused: {error.verify_message or error.reason or error}."
