import pytest

from program.demo import load_demo


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_programme_fits_a_phone_and_the_skip_link_shows_its_focus(live_server, chromium):
    load_demo()
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/programme/")
    assert page.locator("h1").inner_text() == "Programme"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    workshops = page.locator(".timetable-workshops > li")
    assert workshops.count() == 5
    lefts = {round(box["x"]) for box in
             (workshops.nth(i).bounding_box() for i in range(5))}
    assert len(lefts) == 1, "workshops are stacked on a phone"

    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className").count("skip-link")
    assert skip.is_visible()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"

    desktop = chromium.new_page(viewport={"width": 1280, "height": 900})
    desktop.goto(f"{live_server.url}/programme/")
    boxes = [desktop.locator(".timetable-workshops > li").nth(i).bounding_box()
             for i in range(5)]
    assert len({round(box["y"]) for box in boxes}) == 1, "side by side on a desktop"
    assert desktop.evaluate("document.documentElement.scrollWidth") <= 1280
    page.close()
    desktop.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_breadcrumb_wraps_on_a_phone_without_a_line_starting_with_a_slash(live_server, chromium):
    load_demo()
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/programme/secteurs-multi-colleges-premiers-enseignements/")
    items = page.locator(".breadcrumb-item")
    assert items.count() == 3
    title = items.nth(2).bounding_box()
    assert title["y"] > items.nth(1).bounding_box()["y"], "the long title goes to a new line"
    pseudo = "(el) => ['::before', '::after'].map((p) => getComputedStyle(el, p).content)"
    separators = [items.nth(i).evaluate(pseudo) for i in range(3)]
    # Each « / » ends the item before it, so the wrapped title line starts with the title.
    assert [before for before, _ in separators] == ["none", "none", "none"]
    assert all("/" in after for _, after in separators[:2]) and separators[2][1] == "none"
    assert round(title["x"]) == round(page.locator(".breadcrumb").bounding_box()["x"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
