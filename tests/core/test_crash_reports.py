from __future__ import annotations

from pathlib import Path

from msp_desk.core.crash_reports import KEEP, crash_reports, save_crash_report

CARD = "4111111111111111"


def test_a_report_is_saved_redacted_in_the_log_folder(msp_home: Path) -> None:
    path = save_crash_report(f"Traceback …\nValueError: card {CARD}\n")
    assert path is not None
    assert path.parent == msp_home / "log"
    assert path.name.startswith("crash-")
    text = path.read_text(encoding="utf-8")
    assert CARD not in text
    assert "••••1111" in text


def test_only_the_newest_reports_are_kept(tmp_path: Path) -> None:
    for number in range(KEEP + 5):
        assert save_crash_report(f"report {number}", folder=tmp_path) is not None
    kept = crash_reports(tmp_path)
    assert len(kept) == KEEP
    assert kept[-1].read_text(encoding="utf-8") == f"report {KEEP + 4}\n"


def test_a_folder_that_cannot_be_written_gives_none_not_a_second_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    assert save_crash_report("report", folder=blocker) is None
