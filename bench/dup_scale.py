"""The in-memory duplicate check at a size where the corpus does not fit in a JSONL file comfortably.

    .venv/bin/python bench/dup_scale.py --n 1000000 [--per-kind 20]

Streams ``bench/dup_corpus.py``'s generator straight into ``InMemoryIndex.add_many`` (only the items queries
are made from are kept), then runs the filing check for ``--per-kind`` queries of each kind (half of them on
the newest 1% of items) and prints build time, index size, p50/p95/p99 and accuracy per kind.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.dup_corpus import KINDS, Generator, Item, make_query
from handlers.duplicates import FLAGGED
from similarity import InMemoryIndex


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--per-kind", type=int, default=20)
    args = ap.parse_args()
    n = args.n
    r = random.Random(5)
    wanted = {r.randint(n - n // 100, n) for _ in range(args.per_kind * 6)} | {
        r.randint(1, n) for _ in range(args.per_kind * 6)}
    kept: dict[int, Item] = {}
    gen = Generator(12)

    def docs() -> Iterator[tuple[int, str, str]]:
        for i in range(1, n + 1):
            item = gen.item()
            if i in wanted:
                kept[i] = item
            yield i, item.title, item.description

    index = InMemoryIndex()
    t = time.perf_counter()
    index.add_many(docs())
    build = time.perf_counter() - t
    print(f"{len(index):,} initiatives: build {build:.0f} s (generation included), "
          f"index ~{index.approx_bytes() / 2**20:.0f} MB", flush=True)
    fresh = Generator(1213)
    recent = sorted(i for i in kept if i > n - n // 100)
    older = sorted(i for i in kept if i <= n - n // 100)
    times: list[float] = []
    for kind in KINDS:
        right = flagged = 0
        for j in range(args.per_kind):
            source = (recent if j % 2 == 0 else older)[j % max(1, len(recent if j % 2 == 0 else older))]
            q = make_query(r, "exact" if kind == "new" else kind, fresh.item() if kind == "new" else kept[source],
                           fresh)
            start = time.perf_counter()
            found = index.query(str(q["title"]), str(q["description"]), top_k=FLAGGED)
            times.append((time.perf_counter() - start) * 1000)
            flagged += bool(found)
            right += bool(found) and found[0].doc_id == source
        if kind == "new":
            print(f"  {kind:10} {flagged}/{args.per_kind} flagged (false alarms)")
        else:
            print(f"  {kind:10} top flag = source {right}/{args.per_kind}, flagged {flagged}")
    times.sort()

    def pct(p: float) -> float:
        return times[min(len(times) - 1, round(p / 100 * (len(times) - 1)))]

    print(f"check p50 {pct(50):.1f} / p95 {pct(95):.1f} / p99 {pct(99):.1f} ms ({len(times)} queries)")


if __name__ == "__main__":
    main()
