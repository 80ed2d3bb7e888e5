"""Benchmark certificate rendering: N distinct certificates, Chinese names, QR codes, one core.

Usage::

    python bench/bench_certificates.py [--count 1000] [--out DIR] [--min-rate 100]

Prints the cold start (font registration and the prepared background, once per process),
then certificates per second over *count* renders in wall-clock and in CPU time (the CPU
figure is the one to compare across machines that are busy with other work), the mean PDF
size, the peak resident memory of the process and the peak of Python allocations during a
separate, shorter pass under tracemalloc (which slows rendering down, so it is not timed).
Everything runs in this one process and thread.  ``--min-rate`` makes the exit status 1 when
the CPU-time rate is below it.  It also says whether reportlab's optional C accelerator
(``rl-accel``) is installed: it speeds up reportlab's number formatting, string escaping,
widths and checksums, and is worth about a third of the time per certificate.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # a checkout that was not pip-installed
    sys.path.insert(0, str(ROOT))

from certify.certificates.numbers import format_number  # noqa: E402
from certify.certificates.pdf import (  # noqa: E402
    SAMPLE_BRANDING,
    CertificateData,
    render_certificate,
)
from certify.certificates.verification import (  # noqa: E402
    content_fields,
    verification_code,
    verification_url,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "慕容")
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红建国志文辉鹏飞婷雪梅琳晨曦浩宇子涵"
BRANDING = SAMPLE_BRANDING
SECRET = b"benchmark-secret-not-for-production"


def make_certificates(count: int, seed: int) -> list[CertificateData]:
    """Return *count* distinct certificates with Chinese names, spread over levels and dates."""
    rng = random.Random(seed)
    result = []
    for i in range(count):
        surname = (rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.05
                   else rng.choice(SURNAMES))
        name = surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        level = rng.choice((5, 4, 3, 2, 1))
        issued = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        expires = issued.replace(year=issued.year + 3) - timedelta(days=1)
        candidate_id = f"{rng.randrange(110000, 659999)}{rng.randrange(1960, 2006)}" \
                       f"{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}" \
                       f"{rng.randrange(1000):03d}{rng.choice('0123456789X')}"
        number = format_number(level, issued.year, i + 1)
        fields = content_fields(holder_name=name, candidate_id=candidate_id,
                                occupation_code="4-04-05-05", level=level, issued_on=issued,
                                expires_on=expires)
        code = verification_code(SECRET, number, fields)
        result.append(CertificateData(
            number=number, holder_name=name, candidate_id=candidate_id, level=level,
            issued_on=issued, expires_on=expires, verification_code=code,
            verification_url=verification_url("https://certify.example.org", number, code)))
    return result


def accelerated() -> bool:
    """Tell whether reportlab uses its C accelerator (the ``rl-accel`` package)."""
    from reportlab.lib import rl_accel

    return not getattr(rl_accel.fp_str, "__module__", "").startswith("reportlab")


def main() -> int:
    """Run the benchmark and print its figures; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="also write the PDFs into this folder")
    parser.add_argument("--min-rate", type=float, default=0.0,
                        help="exit 1 when certificates per CPU second fall below this")
    args = parser.parse_args()

    certificates = make_certificates(args.count + 1, args.seed)
    wall, cpu = time.perf_counter(), time.process_time()
    render_certificate(certificates[0], BRANDING)
    print(f"cold start (fonts, prepared background, first page): "
          f"{(time.perf_counter() - wall) * 1000:.0f} ms wall")

    total_bytes = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for data in certificates[1:]:
        pdf = render_certificate(data, BRANDING)
        total_bytes += len(pdf)
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{data.number}.pdf").write_bytes(pdf)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    tracemalloc.start()
    for data in certificates[1:101]:
        render_certificate(data, BRANDING)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    rate_cpu = args.count / cpu
    print(f"rendered {args.count} certificates (Chinese names, QR, seal, signature, logo); "
          f"reportlab C accelerator: {'yes' if accelerated() else 'no (pip install rl-accel)'}")
    print(f"  wall: {wall:.2f} s, {args.count / wall:.1f} certificates/s")
    print(f"  CPU:  {cpu:.2f} s, {rate_cpu:.1f} certificates/s, "
          f"{cpu / args.count * 1000:.2f} ms each")
    print(f"  mean PDF size: {total_bytes / args.count / 1024:.1f} KiB")
    print(f"  peak memory: {rss_mib:.0f} MiB resident (process), "
          f"{traced_peak / 1024 / 1024:.1f} MiB Python allocations while rendering")
    if rate_cpu < args.min_rate:
        print(f"FAIL: {rate_cpu:.1f} certificates per CPU second < {args.min_rate}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
