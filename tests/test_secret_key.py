"""Development keeps one SECRET_KEY in instance/, so a reload does not expire open forms."""

import os
import stat

from myapp import development_secret_key


def test_the_development_key_is_created_once_and_kept(tmp_path):
    instance = tmp_path / "instance"

    first = development_secret_key(str(instance))
    second = development_secret_key(str(instance))

    assert first == second
    assert len(first) == 64
    assert (instance / "secret_key").read_text().strip() == first


def test_the_development_key_file_is_readable_by_its_owner_only(tmp_path):
    development_secret_key(str(tmp_path))

    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)

    assert mode == 0o600


def test_a_key_already_in_the_file_is_used(tmp_path):
    (tmp_path / "secret_key").write_text("kept from yesterday\n")

    assert development_secret_key(str(tmp_path)) == "kept from yesterday"
