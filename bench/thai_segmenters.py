"""Which Thai word segmenter breaks the lines of the pictures: quality and install weight.

    python bench/thai_segmenters.py                 # quality and import time of those installed
    python bench/thai_segmenters.py --wheels DIR    # also wheel size, install time, size on disk

Quality is measured on shop reward and menu names (cafés, salons, clothes shops) cut by hand:
`|` is a word boundary a line may break at, `/` a boundary inside a compound (ชา/ไทย), which a
segmenter may or may not offer. A *bad* break is one offered inside a word (บรา|วน์): the
picture would show a word cut in two. Only breaks inside runs without spaces count; a space
is a break for every candidate. `--wheels DIR` wants `pip download --no-deps -d DIR/<name>
<name>` done for each candidate first.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

NAMES = [
    "ชา/ไทย|เย็น 🧋 หวาน|น้อย ใส่|ไข่/มุก|บราวน์|ชูก้าร์ ท็อปปิ้ง|ครีม/ชีส แก้ว|ใหญ่|พิเศษ",
    "กาแฟ|เย็น|นม/สด|คาราเมล|มัคคิอาโต้|ไซส์|ใหญ่",
    "มัทฉะ|ลาเต้|โอ๊ต/มิลค์|ไม่|หวาน",
    "Iced Americano อเมริกาโน่|เย็น 🥤 ส้ม|ยูซุ",
    "เค้ก|ช็อกโกแลต|หน้า/นิ่ม|ชิ้น|โต 🍰",
    "ขนม/ปัง|ปิ้ง|เนย|นม|น้ำ/ตาล ฟรี 1 ชิ้น",
    "ข้าว/เหนียว|มะม่วง|น้ำ/กะทิ|สูตร|คุณ/ยาย",
    "ส่วน/ลด|ตัด/ผม|ชาย|พร้อม|สระ|ไดร์|ฟรี|หนึ่ง|ครั้ง",
    "ทำ|สี/ผม|ออร์แกนิก|พร้อม|ทรีตเมนต์|บำรุง|เส้น/ผม",
    "ทำ|เล็บ|เจล|พร้อม|ต่อ|เล็บ|อะคริลิก 10 นิ้ว 💅",
    "ชุด|นวด|หน้า|สปา|สมุนไพร|ไทย 60 นาที",
    "เสื้อ/ยืด|คอ/กลม|ผ้า/ฝ้าย|ลาย|ช้าง|ไซส์ XL",
    "กางเกง|ยีนส์|ขา/ม้า|เอว/สูง|สี|ฟ้า/อ่อน",
    "กระเป๋า|ผ้า|แคนวาส|ปัก|ชื่อ|ร้าน Limited Edition",
]

WORDS = Path(__file__).parent.parent / "handlers" / "views" / "data" / "words_th.txt"
Segment = Callable[[str], list[str]]


def gold(marked: str) -> tuple[str, set[int], set[int]]:
    """The text, the word boundaries (`|`) and the compound boundaries (`/`) inside runs."""
    text, must, may = "", set(), set()
    for char in marked:
        if char == "|":
            must.add(len(text))
        elif char == "/":
            may.add(len(text))
        else:
            text += char
    return text, must, may


def offered(tokens: list[str]) -> set[int]:
    """Break positions inside runs without spaces."""
    text = "".join(tokens)
    cuts, at = set(), 0
    for token in tokens[:-1]:
        at += len(token)
        if not (text[at - 1].isspace() or text[at].isspace()):
            cuts.add(at)
    return cuts


def candidates() -> dict[str, Segment]:
    found: dict[str, Segment] = {}
    try:
        from icu4py.breakers import LineBreaker

        found["icu4py (ICU line breaker)"] = lambda text: list(LineBreaker(text, "th"))
    except ImportError:
        pass
    try:
        import icu

        def pyicu(text: str) -> list[str]:
            breaker = icu.BreakIterator.createLineInstance(icu.Locale("th"))
            breaker.setText(text)
            units = [0]  # ICU counts UTF-16 code units; Python counts code points
            for char in text:
                units.append(units[-1] + (2 if ord(char) > 0xFFFF else 1))
            at = {unit: n for n, unit in enumerate(units)}
            cuts = [0, *(at[unit] for unit in breaker)]
            return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]

        found["PyICU (ICU line breaker)"] = pyicu
    except ImportError:
        pass
    try:
        from pythainlp.tokenize import word_tokenize

        found["pythainlp newmm"] = lambda text: word_tokenize(text, engine="newmm")
    except ImportError:
        pass
    try:
        import nlpo3

        nlpo3.load_dict(str(WORDS), "th")
        found["nlpo3 + PyThaiNLP words"] = lambda text: nlpo3.segment(text, "th")
    except ImportError:
        pass
    try:
        from newmm_tokenizer.tokenizer import word_tokenize as newmm

        found["newmm-tokenizer"] = newmm
    except ImportError:
        pass
    try:
        import uniseg.wordbreak

        found["uniseg (UAX #29 words)"] = lambda text: list(uniseg.wordbreak.words(text))
    except ImportError:
        pass
    return found


def quality(segment: Segment) -> dict[str, float]:
    bad = found = wanted = splits_marks = 0
    for marked in NAMES:
        text, must, may = gold(marked)
        tokens = segment(text)
        assert "".join(tokens) == text, (tokens, text)
        cuts = offered(tokens)
        bad += len(cuts - must - may)
        found += len(cuts & must)
        wanted += len(must)
        splits_marks += sum(1 for token in tokens[1:] if token and _is_mark(token[0]))
    return {
        "bad breaks": bad,
        "word breaks found": round(found / wanted, 2),
        "tokens starting with a mark": splits_marks,
    }


def _is_mark(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char) in ("Mn", "Mc")


IMPORTS = {
    "icu4py (ICU line breaker)": "icu4py.breakers",
    "PyICU (ICU line breaker)": "icu",
    "pythainlp newmm": "pythainlp.tokenize",
    "newmm-tokenizer": "newmm_tokenizer.tokenizer",
    "nlpo3 + PyThaiNLP words": "nlpo3",
    "uniseg (UAX #29 words)": "uniseg.wordbreak",
}
FIRST_CALL = {
    "icu4py (ICU line breaker)": "list(m.LineBreaker('ทดสอบ', 'th'))",
    "PyICU (ICU line breaker)": "m.BreakIterator.createLineInstance(m.Locale('th'))",
    "pythainlp newmm": "m.word_tokenize('ทดสอบ')",
    "newmm-tokenizer": "m.word_tokenize('ทดสอบ')",
    "nlpo3 + PyThaiNLP words": f"m.load_dict({str(WORDS)!r}, 'th'); m.segment('ทดสอบ', 'th')",
    "uniseg (UAX #29 words)": "list(m.words('ทดสอบ'))",
}


def import_seconds(name: str) -> float:
    """Import and first call (which loads the dictionary), in a fresh interpreter; best of 3."""
    code = (
        "import time, importlib; s = time.perf_counter(); "
        f"m = importlib.import_module({IMPORTS[name]!r}); {FIRST_CALL[name]}; "
        "print(time.perf_counter() - s)"
    )
    runs = [float(subprocess.check_output([sys.executable, "-c", code])) for _ in range(3)]
    return round(min(runs), 3)


def segment_ms(segment: Segment) -> float:
    texts = [gold(marked)[0] for marked in NAMES]
    start = time.perf_counter()
    for _ in range(20):
        for text in texts:
            segment(text)
    return round((time.perf_counter() - start) * 1000 / (20 * len(texts)), 3)


def install_weight(wheels: Path) -> dict[str, dict[str, float]]:
    """Per downloaded package: wheel MB, seconds to install into a new venv, MB on disk."""
    weights: dict[str, dict[str, float]] = {}
    for folder in sorted(p for p in wheels.iterdir() if p.is_dir()):
        files = list(folder.iterdir())
        if not files:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", tmp], check=True)
            site = Path(tmp) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
            start = time.perf_counter()
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--no-deps",
                    "--no-index",
                    "--target",
                    str(site / "site-packages"),
                    *map(str, files),
                ],
                capture_output=True,
            )
            seconds = time.perf_counter() - start
            disk = sum(f.stat().st_size for f in (site / "site-packages").rglob("*") if f.is_file())
        weights[folder.name] = {
            "download MB": round(sum(f.stat().st_size for f in files) / 1e6, 1),
            "install s": round(seconds, 1) if done.returncode == 0 else float("nan"),
            "on disk MB": round(disk / 1e6, 1) if done.returncode == 0 else float("nan"),
            "built from source": any(f.name.endswith(".tar.gz") for f in files),
        }
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, help="folder of downloaded candidates")
    parser.add_argument("--show", action="store_true", help="print each name as cut")
    args = parser.parse_args()
    report: dict[str, object] = {}
    for name, segment in candidates().items():
        report[name] = {
            **quality(segment),
            "import + first call s": import_seconds(name),
            "ms per name": segment_ms(segment),
        }
        if args.show:
            for marked in NAMES:
                print(f"{name:28} {'|'.join(segment(gold(marked)[0]))}")
    if args.wheels:
        report["install"] = install_weight(args.wheels)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
