"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>", checked as a receiver would."""

import hashlib
import hmac
from pathlib import Path

from api.webhooks.signing import new_secret, sign, verify

SECRET = "whsec_test_secret"
BODY = b'{"data":{"id":7},"id":"d1","type":"listing.published"}'
T = 1_760_000_000


def test_sign_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()

    assert sign(SECRET, BODY, timestamp=T) == f"t={T},v1={expected}"


def test_verify_accepts_a_good_signature_within_tolerance():
    header = sign(SECRET, BODY, timestamp=T)

    assert verify(SECRET, header, BODY, now=T + 299) is True
    assert verify(SECRET, header, BODY.decode(), now=T) is True  # str bodies too


def test_verify_refuses_a_tampered_body():
    header = sign(SECRET, BODY, timestamp=T)

    assert verify(SECRET, header, BODY.replace(b"7", b"8"), now=T) is False


def test_verify_refuses_the_wrong_secret():
    header = sign(SECRET, BODY, timestamp=T)

    assert verify("whsec_other", header, BODY, now=T) is False


def test_verify_refuses_a_stale_or_future_timestamp():
    header = sign(SECRET, BODY, timestamp=T)

    assert verify(SECRET, header, BODY, now=T + 301) is False
    assert verify(SECRET, header, BODY, now=T - 301) is False
    assert verify(SECRET, header, BODY, tolerance=600, now=T + 301) is True


def test_verify_refuses_malformed_headers():
    good = sign(SECRET, BODY, timestamp=T)
    signature = good.split("v1=")[1]

    assert verify(SECRET, "", BODY, now=T) is False
    assert verify(SECRET, f"v1={signature}", BODY, now=T) is False  # no timestamp
    assert verify(SECRET, f"t={T}", BODY, now=T) is False  # no signature
    assert verify(SECRET, f"t=abc,v1={signature}", BODY, now=T) is False
    assert verify(SECRET, f"t={T},v0={signature}", BODY, now=T) is False  # unknown scheme


def test_verify_accepts_any_of_several_v1_signatures():
    good = sign(SECRET, BODY, timestamp=T)

    assert verify(SECRET, f"t={T},v1={'0' * 64},{good.split(',')[1]}", BODY, now=T) is True


def test_new_secrets_are_long_and_distinct():
    a, b = new_secret(), new_secret()

    assert (a.startswith("whsec_"), len(a) >= 40, a != b) == (True, True, True)


def test_the_verification_example_in_the_api_guide_runs_and_agrees_with_our_signing():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    section = guide.split("## Webhooks", 1)[1]
    # The fence is "```python example" (tests/api/test_docs_examples.py runs it too).
    example = section.split("```python", 1)[1].split("\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}

    exec(compile(example, "docs/api.md", "exec"), namespace)  # noqa: S102  (our own docs)

    docs_verify = namespace["verify"]
    header = sign(SECRET, BODY)
    assert docs_verify(SECRET, header, BODY) is True
    assert docs_verify("whsec_other", header, BODY) is False
    assert docs_verify(SECRET, sign(SECRET, BODY, timestamp=T), BODY) is False  # stale
