"""`almanac screenshot`: the real window rendered offscreen into a PNG."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from ui_support import ThemeGuard, bundled_args

from desktop import cli
from desktop.core.store import Store


@pytest.fixture(autouse=True)
def theme_guard(qapp):
    """The command applies its theme to the whole application: put the style and palette back."""
    guard = ThemeGuard(qapp)
    yield
    guard.restore()


def shoot(store: Store, out: Path, *args: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.main(["screenshot", str(out), *args, *bundled_args(store)], out=stdout, err=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def colours(image: QImage, step: int = 7) -> set[int]:
    return {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)}


def lightness(image: QImage, step: int = 7) -> float:
    values = [
        image.pixelColor(x, y).lightnessF()
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    ]
    return sum(values) / len(values)


def test_screenshot_of_an_entity(qapp, bundled_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "imet.png"
    code, stdout, stderr = shoot(bundled_store, out, "--show", "imet", "--size", "800x600")
    assert (code, stderr) == (0, "")
    assert stdout.strip() == f"Wrote {out} (800x600)"
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    image = QImage(str(out))
    assert not image.isNull()
    assert (image.width(), image.height()) == (800, 600)
    assert len(colours(image)) > 50  # text, icons and links: not a blank window
    assert lightness(image) > 0.6


def test_screenshot_sizes_and_home(qapp, bundled_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "home.png"
    assert shoot(bundled_store, out, "--size", "1024x700")[0] == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 700)
    assert len(colours(image)) > 50


def test_screenshot_dark_theme(qapp, bundled_store: Store, tmp_path: Path) -> None:
    light, dark = tmp_path / "light.png", tmp_path / "dark.png"
    assert shoot(bundled_store, light, "--show", "imet", "--size", "800x600", "--theme", "light")[0] == 0
    assert shoot(bundled_store, dark, "--show", "imet", "--size", "800x600", "--theme", "dark")[0] == 0
    light_image, dark_image = QImage(str(light)), QImage(str(dark))
    assert (dark_image.width(), dark_image.height()) == (800, 600)
    assert len(colours(dark_image)) > 50
    assert lightness(dark_image) < 0.4 < 0.6 < lightness(light_image)


def test_screenshot_with_a_search(qapp, bundled_store: Store, tmp_path: Path) -> None:
    plain, searched = tmp_path / "plain.png", tmp_path / "search.png"
    assert shoot(bundled_store, plain, "--show", "imet", "--size", "800x600")[0] == 0
    assert shoot(bundled_store, searched, "--show", "imet", "--search", "imet", "--size", "800x600")[0] == 0
    a, b = QImage(str(plain)), QImage(str(searched))
    assert (b.width(), b.height()) == (800, 600)
    assert len(colours(b)) > 50
    assert a != b  # the results list replaced the tree


@pytest.mark.parametrize("size", ["800", "axb", "0x0", "50x50", "9000x600", "800x600x2", ""])
def test_bad_size_is_a_usage_error(qapp, bundled_store: Store, tmp_path: Path, size: str) -> None:
    out = tmp_path / "x.png"
    code, _stdout, stderr = shoot(bundled_store, out, "--size", size)
    assert code == 2
    assert "--size" in stderr
    assert not out.exists()


def test_unknown_entity_is_not_found_as_in_show(qapp, bundled_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    code, _, stderr = shoot(bundled_store, out, "--show", "imett")
    assert code == 1
    assert stderr == "almanac: no entity with id 'imett'. Did you mean: imet?\n"
    assert not out.exists()


def test_bad_theme_is_a_usage_error(qapp, bundled_store: Store, tmp_path: Path) -> None:
    code, _, stderr = shoot(bundled_store, tmp_path / "x.png", "--theme", "purple")
    assert code == 2 and "purple" in stderr


def test_unwritable_output(qapp, bundled_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "missing-folder" / "x.png"
    code, _, stderr = shoot(bundled_store, out, "--size", "200x200")
    assert code == 1
    assert "could not write" in stderr


def test_screenshot_leaves_the_user_settings_alone(qapp, bundled_store: Store, tmp_path: Path) -> None:
    """A screenshot is made with fresh settings: not the user's theme, zoom or size, and none saved."""
    from desktop.ui.settings import AppSettings

    settings = AppSettings()
    settings.theme = "dark"
    settings.zoom = 5
    settings.last_entity = "pakistan"
    settings.sync()
    before = settings.path.read_bytes()
    out = tmp_path / "x.png"
    assert shoot(bundled_store, out, "--show", "imet", "--theme", "light", "--size", "800x600")[0] == 0
    assert lightness(QImage(str(out))) > 0.6  # the light theme asked for, not the user's dark one
    assert settings.path.read_bytes() == before


def test_screenshots_leave_no_scratch_folder_behind(
    qapp, bundled_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    # The second screenshot's theme repaints the first, closed window while it still lives:
    # that must not write its settings again into the scratch folder already removed.
    assert shoot(bundled_store, tmp_path / "a.png", "--show", "imet")[0] == 0
    assert shoot(bundled_store, tmp_path / "b.png", "--show", "imet", "--theme", "dark")[0] == 0
    qapp.processEvents()
    gc.collect()
    qapp.processEvents()
    assert [p.name for p in scratch.iterdir()] == []
