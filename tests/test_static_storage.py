"""Static files as deployed (carehome.staticstorage): each file's hashed
address is worked out once a process; a file the manifest lacks is still
refused every time."""

import json

import pytest

from carehome.staticstorage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"paths": {"css/kith.css": "css/kith.0123abcd.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_page_names_the_hashed_file_and_later_requests_reuse_its_address(storage):
    assert storage.url("css/kith.css") == "/static/css/kith.0123abcd.css"
    # The manifest is read once, at start: a running process keeps what it worked out.
    storage.hashed_files["css/kith.css"] = "css/kith.ffffffff.css"
    assert storage.url("css/kith.css") == "/static/css/kith.0123abcd.css"


def test_a_file_missing_from_the_manifest_is_refused_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/not-there.css")
