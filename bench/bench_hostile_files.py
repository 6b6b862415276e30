"""Benchmark: reading each hostile workbook of issue 13 beside a good file of about the same size.

    .venv/bin/python bench/bench_hostile_files.py

Each case is read by ``bianzhi.lib.xlsx.read_sheet`` (imports) and ``verification.compare.reader``
(compare, partner uploads) in a child process with the default settings; printed: the outcome
(refused / read), the child's peak memory (ru_maxrss) and wall time. Target: ≤ 300 MB and ≤ 10 s.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _builders():
    """The hostile-file builders of tests/test_hostile_files.py (Django is set up for its imports)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.settings")
    os.environ.setdefault("BIANZHI_DATA_DIR", tempfile.mkdtemp())
    django.setup()
    from tests import test_hostile_files

    return test_hostile_files


def good_xlsx(target_bytes: int) -> bytes:
    """Varied rows (little compression) until the file is about ``target_bytes``."""
    import random

    rng = random.Random(13)

    def rows(count):
        for n in range(2, count + 2):
            cells = "".join(
                f'<c r="{c}{n}" t="inlineStr"><is><t>{rng.getrandbits(40):x}</t></is></c>' for c in "ABCDEF"
            )
            yield f'<row r="{n}">{cells}</row>'

    count = max(10, target_bytes // 60)
    t = _builders()
    return t.workbook([t.HEADER_ROW, *rows(count)])


def good_csv(target_bytes: int) -> bytes:
    line = "单位名称,姓名\n".encode()
    return line + b"".join(f"单位{n},张{n}\n".encode() for n in range(target_bytes // 20))


def cases():
    t = _builders()
    return [
        ("sparse A1 + XFD1048576", "sparse.xlsx", t.sparse_far_cell),
        ("huge declared dimension", "dimension.xlsx", t.huge_dimension),
        ("zip bomb by rows (1.1 GB)", "bomb_rows.xlsx", lambda: t.bomb_by_rows(1100)),
        ("zip bomb, identical rows (1.1 GB)", "bomb_same.xlsx", lambda: bomb_positional_rows(1100)),
        ("zip bomb by one cell (1.1 GB)", "bomb_cell.xlsx", lambda: t.bomb_by_one_cell(1100)),
        ("DTD / entities", "entity.xlsx", t.entity_xml),
        ("deep XML", "deep.xlsx", t.deep_xml),
        ("CSV of 15M blank lines", "blank.csv", lambda: b"a,b\n" + b"\n" * 15_000_000),
        ("CSV bad encoding", "enc.csv", lambda: "单位名称\n".encode() + b"\xff\xfe\x80\x81" * 1000),
    ]


def run(path: Path) -> tuple[str, float, float]:
    CHILD = _builders().CHILD  # noqa: N806

    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD.replace("1536 * 1024 * 1024", "8 * 1024 ** 3"), str(path)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "BIANZHI_DATA_DIR": str(path.parent / "data"),
            "BIANZHI_UPLOAD_MAX_MB": "200",
        },
    )
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out = done.stdout.decode()
    if done.returncode != 0:
        outcome = f"DIED ({done.returncode})"
        print(done.stderr.decode()[-800:], file=sys.stderr)
    elif "READ" in out:
        outcome = "read" if out.count("READ") == 2 else "mixed"
    else:
        outcome = "refused"
    return outcome, peak, elapsed


def main() -> None:
    print(f"{'case':34} {'size':>10} {'outcome':>9} {'peak MB':>8} {'time s':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, name, build in cases():
            path = Path(tmp) / name
            data = build()
            path.write_bytes(data)
            good = Path(tmp) / ("good" + path.suffix)
            good.write_bytes(good_csv(len(data)) if path.suffix == ".csv" else good_xlsx(len(data)))
            # ru_maxrss of children is the max over all children so far: run each in a fresh shell
            for shown, file in ((label, path), ("  good file, same size", good)):
                outcome, peak, elapsed = _isolated(file)
                print(
                    f"{shown:34} {file.stat().st_size / 1024:>8.0f}KB {outcome:>9} {peak:>8.0f} {elapsed:>7.2f}"
                )


def _isolated(path: Path) -> tuple[str, float, float]:
    """Run ``run`` in a fresh interpreter so RUSAGE_CHILDREN holds one child only."""
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bench.bench_hostile_files import run; "
        f"from pathlib import Path; print(*run(Path({str(path)!r})), sep='|')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=300, check=False
    )
    try:
        outcome, peak, elapsed = done.stdout.decode().strip().split("|")
    except ValueError:
        print(done.stderr.decode()[-800:], file=sys.stderr)
        return "ERROR", 0.0, 0.0
    return outcome, float(peak), float(elapsed)


def bomb_positional_rows(megabytes: int) -> bytes:
    """Identical rows without ``r`` (as the issue's 4.8 MB file unpacking to 1.1 GB): compresses ~200×."""
    t = _builders()
    row = "<row>" + '<c t="inlineStr"><is><t>甲</t></is></c>' * 20 + "</row>"
    block = row * (1024 * 1024 // len(row.encode()))
    return t.workbook([t.HEADER_ROW, *(block for _ in range(megabytes))])


if __name__ == "__main__":
    main()
