"""Bounding-box widget: draw, move, resize, relabel, delete and zoom with a real mouse; every value
is in the image's own pixels whatever the zoom and the size on screen."""

from __future__ import annotations

import pytest

from tests.browser.browser_helpers import close, drag, screen, wait_for

pytestmark = pytest.mark.browser

IMAGE = {"id": "r01", "image": "/banks/L4-bbox-traffic/images/t001.jpg", "width": 640, "height": 480}
CONFIG = {"labels": ["car", "pedestrian", "traffic_sign"], "iou_threshold": 0.5}


def boxes(page):
    return page.evaluate("window.harness.values")["r01"]


def open_image(page, harness, **kwargs):
    second = {**IMAGE, "id": "r02", "image": "/banks/L4-bbox-traffic/images/t002.jpg"}
    harness.open(page, "bbox", [IMAGE, second], config=CONFIG, title="Traffic scene boxes", **kwargs)
    wait_for(page, "document.querySelector('.lw-stage-img').complete")
    wait_for(page, "parseFloat(document.querySelector('.lw-stage-img').style.width) > 0")


def test_draw_move_resize_relabel_delete(page, harness, shot):
    open_image(page, harness)
    drag(page, (100, 100), (200, 180))  # first label (car) is current
    assert close(boxes(page), [[100, 100, 100, 80, "car"]])
    page.keyboard.press("Escape")  # deselect the new box, so that 2 sets the label for new boxes
    page.keyboard.press("2")
    drag(page, (300, 200), (360, 330))
    assert close(boxes(page), [[100, 100, 100, 80, "car"], [300, 200, 60, 130, "pedestrian"]])
    assert all(isinstance(v, int) for b in boxes(page) for v in b[:4])

    # Move the car box by dragging its middle.
    drag(page, (150, 140), (200, 160))
    assert close([boxes(page)[0]], [[150, 120, 100, 80, "car"]])
    # Resize the pedestrian box by its bottom-right handle, then by its top-left one.
    page.mouse.click(*screen(page, 330, 260))
    drag(page, (360, 330), (400, 350))
    assert close([boxes(page)[1]], [[300, 200, 100, 150, "pedestrian"]])
    drag(page, (300, 200), (290, 190))
    assert close([boxes(page)[1]], [[290, 190, 110, 160, "pedestrian"]])
    shot(page, "bbox")

    # Relabel: select the car box and press Shift+3, or use the list's select.
    page.mouse.click(*screen(page, 200, 160))
    page.keyboard.press("Shift+3")
    assert boxes(page)[0][4] == "traffic_sign"
    page.get_by_label("Label of box 1").select_option("car")
    assert boxes(page)[0][4] == "car"

    # Delete: select the pedestrian box, press Delete.
    page.mouse.click(*screen(page, 330, 260))
    page.keyboard.press("Delete")
    assert close(boxes(page), [[150, 120, 100, 80, "car"]])
    assert page.locator(".lw-box-row").count() == 1

    # A drag smaller than the minimum box size draws nothing.
    drag(page, (500, 400), (502, 402))
    assert len(boxes(page)) == 1


def test_zoom_and_pan_keep_image_pixels(page, harness, shot):
    open_image(page, harness, values={"r01": [[150, 120, 100, 80, "car"]]})
    fitted = page.locator(".lw-stage-img").bounding_box()["width"]
    # Zoom in with the wheel over the car, then with the + key.
    page.mouse.move(*screen(page, 200, 160))
    page.mouse.wheel(0, -400)
    page.locator(".lw-viewport").focus()
    page.keyboard.press("+")
    zoomed = page.locator(".lw-stage-img").bounding_box()["width"]
    assert zoomed > fitted * 2
    # The saved box is drawn where its pixels are.
    drawn = page.locator(".lw-box[data-box='0']").bounding_box()
    left, top = screen(page, 150, 120)
    assert abs(drawn["x"] - left) < 3 and abs(drawn["y"] - top) < 3
    assert abs(drawn["width"] - 100 * zoomed / 640) < 3

    # Draw and resize while zoomed: still image pixels.
    drag(page, (260, 130), (280, 150))
    assert close(boxes(page), [[150, 120, 100, 80, "car"], [260, 130, 20, 20, "car"]])
    drag(page, (280, 150), (285, 152))
    assert close([boxes(page)[1]], [[260, 130, 25, 22, "car"]])
    shot(page, "bbox-zoomed")

    # Pan with Space + drag: the view moves, the boxes do not.
    before = page.locator(".lw-stage-img").bounding_box()
    page.keyboard.down("Space")
    drag(page, (220, 180), (200, 170))
    page.keyboard.up("Space")
    after = page.locator(".lw-stage-img").bounding_box()
    assert after["x"] < before["x"] - 10
    assert len(boxes(page)) == 2

    # Fit again (F): the whole image shows.
    page.keyboard.press("f")
    assert abs(page.locator(".lw-stage-img").bounding_box()["width"] - fitted) < 1
    assert page.locator(".lw-zoom-level").inner_text().startswith("Zoom ")


def test_keyboard_boxes(page, harness):
    open_image(page, harness)
    page.locator(".lw-viewport").focus()
    page.keyboard.press("3")  # label for new boxes
    page.keyboard.press("b")  # a box in the middle of the view: a quarter of the image
    assert boxes(page) == [[240, 180, 160, 120, "traffic_sign"]]
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Control+ArrowRight")
    page.keyboard.press("Control+Shift+ArrowUp")
    assert boxes(page) == [[239, 190, 161, 110, "traffic_sign"]]
    page.keyboard.press("1")  # the label of the next box: the selected box keeps its label
    assert boxes(page)[0][4] == "traffic_sign"
    page.keyboard.press("Shift+1")  # relabel the selected box
    assert boxes(page)[0][4] == "car"
    page.keyboard.press("Escape")
    page.keyboard.press("]")  # select box 1 again
    page.keyboard.press("Backspace")
    assert boxes(page) == []
    page.keyboard.press("u")  # undo the delete
    assert boxes(page) == [[239, 190, 161, 110, "car"]]
    page.keyboard.press("n")  # the next image has nothing to box: X confirms that
    page.keyboard.press("x")
    assert page.evaluate("window.harness.values")["r02"] == []


def test_read_only_boxes_pan_instead_of_drawing(page, harness):
    open_image(page, harness, values={"r01": [[150, 120, 100, 80, "car"]]}, read_only=True)
    page.locator(".lw-viewport").focus()
    page.keyboard.press("+")
    before = page.locator(".lw-stage-img").bounding_box()
    drag(page, (300, 300), (250, 280))
    after = page.locator(".lw-stage-img").bounding_box()
    assert after["x"] < before["x"] - 10  # the drag panned
    page.keyboard.press("b")
    page.keyboard.press("Delete")
    assert harness.changes(page) == []
    assert page.locator(".lw-box-layer .lw-box").count() == 1
    assert page.get_by_label("Label of box 1").count() == 0


def test_label_buttons_choose_the_next_box_and_relabelling_is_explicit(page, harness, shot):
    """Issue 12 §7: draw a box, click the next class, draw again: the first box keeps its class.
    Changing a drawn box's class is the separate "Change label of the selected box" control."""
    open_image(page, harness)
    drag(page, (100, 100), (200, 180))  # car; the new box stays selected
    page.get_by_role("radio", name="pedestrian").click()
    drag(page, (300, 200), (360, 330))
    page.get_by_role("radio", name="traffic_sign").click()
    drag(page, (420, 60), (470, 110))
    assert [b[4] for b in boxes(page)] == ["car", "pedestrian", "traffic_sign"]
    assert close(boxes(page)[:1], [[100, 100, 100, 80, "car"]])

    # Selecting a box does not change the label for new boxes either.
    page.mouse.click(*screen(page, 150, 140))
    assert page.locator(".lw-selected-info").inner_text() == "Selected: box 1, car"
    assert page.get_by_role("radio", name="traffic_sign").get_attribute("aria-checked") == "true"

    # The explicit action: change the selected box's class.
    relabel = page.get_by_label("Change label of the selected box")
    assert relabel.is_enabled()
    relabel.select_option("pedestrian")
    assert [b[4] for b in boxes(page)] == ["pedestrian", "pedestrian", "traffic_sign"]
    assert page.locator(".lw-selected-info").inner_text() == "Selected: box 1, pedestrian"
    shot(page, "bbox-relabel")
    page.keyboard.press("Escape")
    assert relabel.is_disabled()
    assert page.locator(".lw-selected-info").inner_text() == "No box selected."
    # Its shortcut is in the widget's help.
    assert "change the label of the selected box" in page.locator(".lw").inner_text()
