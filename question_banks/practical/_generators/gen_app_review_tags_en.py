"""L4-app-review-tags-en: 30 English app-store reviews written for certify, multi-label issue tags.

Run: .venv/bin/python question_banks/practical/_generators/gen_app_review_tags_en.py
"""
from _common import shuffled, write_task

REF = "L4-app-review-tags-en"
LABELS = ["bug", "performance", "usability", "pricing", "ads", "privacy", "feature_request"]

DATA = [
    ("Crashes every time I try to upload a photo. Reinstalled twice, still the same.", ["bug"]),
    ("Takes forever to load the home feed, even on wifi.", ["performance"]),
    ("Way too many ads. A 30-second video after every single level is ridiculous.", ["ads"]),
    ("Why does a flashlight app need access to my contacts and location?", ["privacy"]),
    ("Love the new update, everything feels smoother. Great job team!", []),
    ("Please add a dark mode, my eyes hurt at night.", ["feature_request"]),
    ("$9.99 a month for a to-do list? It used to be a one-time purchase.", ["pricing"]),
    ("The settings menu is buried three levels deep and the icons have no labels, "
     "took me ages to find notifications.", ["usability"]),
    ("Drains my battery like crazy, and the map screen freezes so I have to force close the app.",
     ["performance", "bug"]),
    ("Ads everywhere, and the 'remove ads' upgrade costs more than the game itself.", ["ads", "pricing"]),
    ("I was charged for the yearly plan even though I cancelled during the free trial.", ["pricing"]),
    ("Someone logged into my account from another country and there's no two-factor option. Please add 2FA!",
     ["privacy", "feature_request"]),
    ("Good app, but it would be perfect if I could export my workouts to CSV.", ["feature_request"]),
    ("Login button does nothing on Android 14.", ["bug"]),
    ("The new layout is confusing, I can't find where my saved recipes went. Bring back the old menu!",
     ["usability", "feature_request"]),
    ("Keeps sending me notifications even after I turned them all off in settings.", ["bug"]),
    ("Uses 2 GB of storage for a simple notes app, come on.", ["performance"]),
    ("It shares my listening history with Facebook without asking.", ["privacy"]),
    ("Five stars. Simple, fast and does exactly what it says.", []),
    ("Video calls lag badly on my older phone, the picture stutters the whole time.", ["performance"]),
    ("The font is tiny and there's no way to make it bigger. Please add a text size setting.",
     ["usability", "feature_request"]),
    ("Full-screen ads pop up while I'm typing and I keep tapping them by accident.", ["ads"]),
    ("After the latest update I get 'Error 503' every time I open my cart.", ["bug"]),
    ("Prices in the app are higher than on the website for the same item.", ["pricing"]),
    ("Makes me create an account and hand over my phone number just to read one article. No thanks.",
     ["privacy"]),
    ("Pretty good overall, though the checkout button is hard to find and the app is a bit slow on older "
     "phones.",
     ["usability", "performance"]),
    ("Lost all my notes after the update and support hasn't replied in a week.", ["bug"]),
    ("Would be nice to have a home-screen widget. Otherwise works great.", ["feature_request"]),
    ("The free version is useless now: half the features moved behind the paywall and there are ads every "
     "two minutes.", ["pricing", "ads"]),
    ("It wants camera permission even though I only use it to pay bills, and when I deny it the app crashes.",
     ["privacy", "bug"]),
]


def main() -> None:
    assert len(DATA) == 30
    rows = shuffled(DATA, seed=20250707)
    records, gold = [], []
    for i, (text, labels) in enumerate(rows, 1):
        assert set(labels) <= set(LABELS)
        rid = f"r{i:02d}"
        records.append({"id": rid, "text": text})
        gold.append({"id": rid, "labels": [lab for lab in LABELS if lab in labels]})
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
