"""Regenerate the data of every bundled practical task (records.jsonl, gold.jsonl, images/, audio/).

Run from the repository root: .venv/bin/python question_banks/practical/_generators/gen_all.py
task.yaml and LICENSE.md are hand-written and are not touched. The speech task needs sox (with MP3 support),
espeak-ng, Debian's gcin-voice and pypinyin; it is skipped when one of them is missing.
"""
import importlib
import importlib.util
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "gen_sentiment_reviews_zh",
    "gen_intent_cs_en",
    "gen_app_review_tags_en",
    "gen_audit_sentiment_labels_zh",
    "gen_ner_news_zh",
    "gen_pii_deid_en",
    "gen_bbox_shelf",
    "gen_bbox_traffic",
    "gen_ocr_lines_zh",
    "gen_asr_cs_zh",
    "gen_rating_cs_replies_zh",
    "gen_ranking_answers",
    "gen_rubric_records",
    "gen_collection_check_en",
    "gen_order_table_quality_en",
]


def main() -> None:
    sys.path.insert(0, str(HERE))
    missing = [tool for tool in ("sox", "espeak-ng") if shutil.which(tool) is None]
    if not Path("/usr/share/gcin-voice/ogg").is_dir():
        missing.append("gcin-voice")
    if importlib.util.find_spec("pypinyin") is None:
        missing.append("pypinyin (pip)")
    for name in SCRIPTS:
        if name == "gen_asr_cs_zh" and missing:
            print(f"gen_asr_cs_zh: skipped, not installed: {', '.join(missing)} "
                  "(apt-get install sox libsox-fmt-all espeak-ng gcin-voice; pip install pypinyin)")
            continue
        importlib.import_module(name).main()


if __name__ == "__main__":
    main()
