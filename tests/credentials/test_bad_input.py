"""Whatever is typed into the profile form: a named problem per field, or a profile that saves and loads back.

And a damaged profiles file (any bytes, a 5,000-digit number, nesting past the
recursion limit) is a ``ProfilesFileError`` naming the file, not a crash at start-up.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from msp_desk.api.environments import Environment
from msp_desk.credentials.profiles import KeyStorage, Profile, ProfilesFileError, ProfileStore
from msp_desk.credentials.secrets import SecretStore
from msp_desk.credentials.validation import ProfileFormValues, check_profile_form
from tests.helpers.memory_keyring import InMemoryKeyring
from tests.helpers.nasty import nasty_text

KEY = "0123456789abcdef0123456789abcdef01234567"

_form = st.builds(
    ProfileFormValues,
    name=nasty_text(80),
    environment=st.sampled_from(list(Environment)),
    api_key=st.one_of(nasty_text(60), st.just(KEY)),
    session_only=st.booleans(),
    notification_url=st.one_of(nasty_text(200), st.just("https://shop.example/notify")),
    notification_method=st.sampled_from(["POST", "GET"]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=_form)
@example(
    values=ProfileFormValues("Shop \ud800", Environment.TEST, KEY, False, "", "POST"),
)
@example(
    values=ProfileFormValues("Shop", Environment.TEST, KEY, False, "https://shop.example/\udc80", "POST"),
)
@example(values=ProfileFormValues("\u200b", Environment.LIVE, "\ud800" * 40, False, "", "GET"))
def test_the_form_names_each_problem_or_the_profile_saves_and_loads_back(
    tmp_path: Path, values: ProfileFormValues
) -> None:
    check = check_profile_form(values, saved=None, existing=[])
    for message in (*check.errors.values(), *check.warnings.values()):
        assert message.endswith("."), message
    assert set(check.errors) <= {"name", "api_key", "environment", "notification_url"}
    if not check.ok:
        return
    path = tmp_path / f"profiles-{uuid.uuid4().hex}.json"
    store = ProfileStore(SecretStore(InMemoryKeyring()), path=path)
    profile = Profile(
        name=values.name,
        environment=values.environment,
        notification_url=values.notification_url.strip() or None,
        notification_method=values.notification_method,  # type: ignore[arg-type]
        key_storage=KeyStorage.KEYRING,
    )
    saved = store.add(profile, values.api_key.strip())
    again = ProfileStore(SecretStore(store.secrets.backend), path=path)
    assert again.get(saved.id) == saved
    assert again.api_key(saved.id) == values.api_key.strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.sampled_from(
            [
                b'{"version": 1, "profiles": [' + b"1" * 5000 + b"]}",
                b"[" * 100_000,
                b'{"profiles": [{"name": "x", "environment": "test", "id": "not-a-uuid"}]}',
                b'{"profiles": "none"}',
                b"\xff\xfe{",
            ]
        ),
    )
)
def test_a_damaged_profiles_file_is_named_not_a_crash(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "profiles.json"
    path.write_bytes(content)
    try:
        store = ProfileStore(SecretStore(InMemoryKeyring()), path=path)
    except ProfilesFileError as error:
        message = str(error)
    else:
        assert isinstance(store.list(), list)
        return
    assert str(path) in message
    assert path.read_bytes() == content  # left as it was, for the person to inspect


def test_the_sample_key_is_valid() -> None:
    values = ProfileFormValues("Shop", Environment.TEST, KEY, False, "", "POST")
    assert check_profile_form(values, saved=None, existing=[]).ok
