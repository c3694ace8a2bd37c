"""How the site scales with the number of models: one run prints every figure issue #12 asks for.

    python benchmarks/site_scale.py --models 500 [--models 1000] [--browser] [--rounds 3]

For each N it writes N varied submissions (the four kinds of the test fixture — evaluated
on a GPU, on a CPU, failed with a loss log, awaiting a revision — with their names, sizes,
scores, costs and claims varied by a seeded random generator) into a temporary folder, then
measures in child processes:

* the site build (``mkdocs build --strict`` with the kleaderboard plugin, both languages),
  against plain MkDocs-material building the same number of Markdown pages (the floor);
* the peak memory (max RSS) of each build;
* the leaderboard page's bytes, raw and gzipped;
* with ``--browser``, in headless Chromium (/usr/bin/chromium): first contentful paint,
  DOMContentLoaded, and one column sort right after the load event and once the page is idle.

Every line also gives the load average when its figures were taken: this 2-core machine is
shared, so every time is an upper bound and times from different lines are hard to compare.

For our site it builds twice: once as it builds by default (the model pages and the
leaderboard in one forked worker per CPU: site/page_builds.py) and once with ``workers: 1``
(every page in MkDocs' own process); the floor is one process, as plain MkDocs is.

Measured 2026-12-02, this 2-core machine with nothing else running (the load
figure is the benchmark itself); ``--models 2500 --models 5000 --browser`` printed:

    models=2500 load=1.33 cpus=2 html_pages=5010 build_s=28.88 one_process_s=35.82
      plain_build_s=12.00 ratio=2.41 one_process_ratio=2.99 peak_mib=292.72 worker_peak_mib=273.80
      plain_peak_mib=65.09 index_kib=3904.44 index_gzip_kib=152.58 fcp_ms=460 dcl_ms=647.40
      first_sort_ms=69 sort_ms=12.70
    models=5000 load=1.24 cpus=2 html_pages=10010 build_s=69.14 one_process_s=95.09
      plain_build_s=24.19 ratio=2.86 one_process_ratio=3.93 peak_mib=517.51 worker_peak_mib=506.21
      plain_peak_mib=90.43 index_kib=7713.03 index_gzip_kib=291.82 fcp_ms=308 dcl_ms=812
      first_sort_ms=26.20 sort_ms=14

and again after one more fix (a board's claims column was computed once a row: quadratic):

    models=2500 ... build_s=29.60 one_process_s=36.57 plain_build_s=9.72 ratio=3.05
      peak_mib=291.51 ... fcp_ms=756 dcl_ms=1123 first_sort_ms=79.30 sort_ms=26.80
    models=5000 ... build_s=68.34 one_process_s=86.95 plain_build_s=24.84 ratio=2.75
      one_process_ratio=3.50 peak_mib=516.39 worker_peak_mib=505.99 index_gzip_kib=291.82
      fcp_ms=360 dcl_ms=897.10 first_sort_ms=109.20 sort_ms=22.90

Against issue #12's targets at N = 5,000: the leaderboard page is 292 KiB gzipped (target
400 KB: met; 7.5 MiB raw, almost all of it the payload); first paint 0.31-0.36 s and
DOMContentLoaded 0.81-0.90 s (target 1 s: met at 5,000; one run at 2,500 took 1.12 s, so it is
close); a sort 14-23 ms once the page is idle, 26-109 ms right after load (target 100 ms: met
once idle, at the edge just after load). The build is NOT within 1.2x of the floor: 2.75-2.9x
(3.5-3.9x in one process). Linearity cannot be told apart from noise here: 2x N took 2.31-2.39x
the time from 2,500 to 5,000 while the floor itself took 2.02-2.56x.

Paired against the build before this change (the same N = 1,000 site, three runs each, in
turn): 15.4 s against 23.7 s (0.67x the time), peak memory 156 MiB against 287 MiB; the CPU
time is about the same (22 s against 24 s): the gain is the second core.

After that, Python's garbage collector is paused while the submissions load and the objects
that live through the build are frozen before the workers fork (site/page_builds.py): paired,
three runs each at N = 2,500 on a busier machine, 41.9 s against 43.6 s (0.96x the time, 0.91x
the CPU); loading 5,000 submissions took 9.2 s against 16.5 s in the run before.

Then (2026-12-02, later): MkDocs takes a planned page's meta as planned (page_builds.PlannedPage:
no YAML or Markdown for front matter alone), the blocks of Material's frame shared by every
model page of a language are rendered once (site/frames.py, since replaced by site/shells.py),
the submissions are loaded and scored in the workers too (kleaderboard.forked), and each
worker copies its models' evidence files; each build now starts from no site folder, as the
floor's does. Same machine, idle:

    models=2500 load=1.19 cpus=2 html_pages=5010 build_s=21.64 one_process_s=28.75
      plain_build_s=9.89 ratio=2.19 one_process_ratio=2.91 peak_mib=288.46 worker_peak_mib=275.40
      index_gzip_kib=152.58 fcp_ms=1104 dcl_ms=1598.80 first_sort_ms=299.90 sort_ms=26.20
    models=5000 load=1.31 cpus=2 html_pages=10010 build_s=47.35 one_process_s=80.53
      plain_build_s=24.84 ratio=1.91 one_process_ratio=3.24 peak_mib=510.55 worker_peak_mib=493.91
      index_gzip_kib=291.82 fcp_ms=208 dcl_ms=852.10 first_sort_ms=41.90 sort_ms=19.20

So at N = 5,000 the build is 1.91x the floor (from 2.75-2.9x): the 1.2x target is still NOT
met. Paired against the build before these changes, run by run, N = 2,000 with workers: 0.87x
the wall time, the same CPU time; in one process (N = 1,000) 0.98x: the gain is the loading
(0.75x paired alone) and the evidence copy moving into the workers, much more than the CPU
saved per page. The leaderboard page did not change; the 2,500 line's browser figures came at a
moment the machine was slow: three more loads of the same N = 2,500 site right after gave first
paint 332-528 ms, DOMContentLoaded 520-736 ms, a first sort 46-47 ms and a sort 16-35 ms.

Then (2026-12-02, fifth session) three more steps, each measured on the same machine:

* a model page's Material frame is filled into its kind's shell (site/shells.py) instead of
  rendered page by page (the shared frame blocks of site/frames.py went with it): paired at
  N = 2,000, default workers, 0.80x the wall time and 0.71x the user CPU time;
* each ``say()`` of two string literals is chosen when the template is compiled
  (words.WordsLoader): a model page's body 1.55 ms against 2.03 ms (CPU time, in-process);
* the claims and charts pages are built in the workers too, and a searched page's search
  entries are made there (MkDocs' process no longer parses the claims page's HTML for search).

Against the build this session started from, paired at N = 2,000, default workers: 0.80x the
wall time, 0.73x the user CPU time (the system time, writing and copying files, did not change);
in one process, the last step against the one before: 0.95x. The benchmark, after the first
step, then after the second, then after the third (the machine then about 1.7x slower: the
floor took 32 s where it had taken 17-19 s):

    models=2500 build_s=15.67 one_process_s=23.72 plain_build_s=9.22 ratio=1.70
    models=5000 build_s=31.16 one_process_s=44.28 plain_build_s=17.41 ratio=1.79
      peak_mib=497.47 index_gzip_kib=291.82 fcp_ms=320 dcl_ms=528 first_sort_ms=31.30 sort_ms=24.80
    models=2500 build_s=15.77 one_process_s=19.28 plain_build_s=9.37 ratio=1.68
    models=5000 build_s=32.35 one_process_s=43.18 plain_build_s=18.78 ratio=1.72
      one_process_ratio=2.30 fcp_ms=280 dcl_ms=481.50 first_sort_ms=20 sort_ms=28.20
    models=2500 build_s=17.97 one_process_s=27.88 plain_build_s=10.15 ratio=1.77
    models=5000 build_s=54.46 one_process_s=72.85 plain_build_s=32.36 ratio=1.68
      peak_mib=473.01 index_gzip_kib=291.82 fcp_ms=344 dcl_ms=759.40 first_sort_ms=115.80 sort_ms=15.30

and once more at the end, the machine calm again:

    models=2500 load=0.99 cpus=2 html_pages=5010 build_s=14.54 one_process_s=20.22
      plain_build_s=8.49 ratio=1.71 one_process_ratio=2.38 peak_mib=275.45 worker_peak_mib=264.57
      index_gzip_kib=152.58 fcp_ms=356 dcl_ms=394.70 first_sort_ms=14.40 sort_ms=15.40
    models=5000 load=1.16 cpus=2 html_pages=10010 build_s=28.16 one_process_s=39.81
      plain_build_s=16.23 ratio=1.74 one_process_ratio=2.45 peak_mib=472.48 worker_peak_mib=475.33
      index_gzip_kib=291.82 fcp_ms=344 dcl_ms=515.80 first_sort_ms=17.60 sort_ms=9.80

So at N = 5,000 the build is 1.68-1.79x the floor (1.74x in the last run; from 1.91x): the 1.2x
target is still NOT met. 2x N took 1.94-2.05x the time from 2,500 to 5,000 (target 2.1x: met).
The page targets hold (292 KiB gzipped; first paint 0.28-0.34 s; DOMContentLoaded 0.48-0.76 s; a
sort once the page is idle 10-28 ms; right after load 18-116 ms, the 116 on the slow machine).

Where the time went then, at N = 2,000 with two workers (timers around each step; 9-11 s on a
calm machine, the floor 6.7-7.5 s): loading and scoring the submissions 2.2-2.5 s in two
processes, adding the generated files 0.65 s, MkDocs' reading loop 0.3 s, the pages built ahead
5-7 s in two processes, MkDocs' loop after them and the search index about 0.5 s.

Then (2026-12-02, sixth session):

* The loading gained little from its second process because the processes took every other
  submission, and the submissions written here cycle through four kinds: one process loaded
  every loss log (5.3 s of CPU against 2.2 s for 2,500 submissions each). The work is now shared
  by weight and, among equals, at random (the same every time; kleaderboard.forked.shares): 4.5 s
  and 4.5 s.
* The leaderboard, claims and charts pages grow with the models (at 5,000: 2.0 s, 1.4 s and
  0.25 s a language, text and HTML); one run had them all in one process, which finished 4.3 s
  after the other. They are now weighed and spread first (plugin._BOARD_PAGES).
* A model's two pages are built by one process, one after the other, and its loss chart's line
  is drawn once for both; a page built ahead takes its planned front matter (no YAML parse);
  front matter and tables of contents are copied by hand (copy.deepcopy was a tenth of a page's
  populate step); a loss log's plain rows are read by a quick reader (a 200-row log in 1.2 ms,
  from 1.9 ms); a loss log's point is a named tuple (a child's 2,500 loaded entries pickle in
  0.62 s, from 0.99 s, and unpickle in 0.27-0.34 s, from 0.62 s); each folder of the site is made
  once a process (site/outputs.py); a manifest is read once.
* ``--rounds R`` builds ours and the floor in turn R times and prints the median ratio and its
  lowest and highest: the floor alone took 18 s in one round and 27 s in the next.

``--models 2500 --models 5000 --browser --rounds 3``, the machine busy (load about 1.2 before the
benchmark started), then ``--models 5000 --rounds 3`` again:

    models=2500 load=1.18 cpus=2 html_pages=5010 rounds=3 build_s=13.84 one_process_s=18.11
      plain_build_s=11.33 ratio=1.26 ratio_low=1.16 ratio_high=1.32 one_process_ratio=1.60
      peak_mib=277.56 index_gzip_kib=152.58 fcp_ms=460 dcl_ms=525.70 first_sort_ms=14.70 sort_ms=10.10
    models=5000 load=1.25 cpus=2 html_pages=10010 rounds=3 build_s=29.10 one_process_s=36.76
      plain_build_s=21.24 ratio=1.43 ratio_low=1.13 ratio_high=1.54 one_process_ratio=1.73
      peak_mib=499.11 index_gzip_kib=291.82 fcp_ms=292 dcl_ms=483.90 first_sort_ms=23.80 sort_ms=10.10
    models=5000 load=1.30 cpus=2 html_pages=10010 rounds=3 build_s=40.60 one_process_s=45.61
      plain_build_s=26.26 ratio=1.51 ratio_low=1.33 ratio_high=1.61 one_process_ratio=1.74

and after one more change (the build's objects frozen out of Python's collector from the loading
on, page_builds.hold_until_built: the collector's full walks in MkDocs' loops had taken about
2.5 s at 5,000 models, timed with gc.callbacks, and now take 0.01 s), ``--browser --rounds 3``:

    models=2500 load=1.19 cpus=2 html_pages=5010 rounds=3 build_s=18.41 one_process_s=21.13
      plain_build_s=13.02 ratio=1.41 ratio_low=1.25 ratio_high=1.87 one_process_ratio=1.62
      peak_mib=277.79 index_gzip_kib=152.58 fcp_ms=304 dcl_ms=423.40 first_sort_ms=17.50 sort_ms=11.30
    models=5000 load=1.34 cpus=2 html_pages=10010 rounds=3 build_s=31.55 one_process_s=44.70
      plain_build_s=20.88 ratio=1.43 ratio_low=1.36 ratio_high=1.78 one_process_ratio=2.14
      peak_mib=499.67 index_gzip_kib=291.82 fcp_ms=308 dcl_ms=501.50 first_sort_ms=32.50 sort_ms=30.40

So at N = 5,000 the build took 1.43x, 1.51x and 1.43x the floor (medians of three rounds; single
rounds 1.13-1.78x: the machine's noise is larger than the last change's gain); the build before
these changes took 1.53x on the same busy machine that morning (one round, the floor 27.4 s) and
1.74x on a calm one: the 1.2x target is still NOT met. 2x N took 2.10x and 1.71x the time (the
floor 1.87x and 1.60x; target 2.1x: met, at the edge once, within this machine's noise). The
page targets hold: 292 KiB gzipped, first paint 0.29-0.46 s, DOMContentLoaded 0.42-0.53 s, a
sort 10-30 ms once idle and 15-33 ms right after load.

Where the time goes now, at N = 5,000 (timers around each step, one build of 27.1 s on a slow
moment, the floor 22.4 s just after): MkDocs' files event 9.7 s (loading 7.6 s, of it finding the
manifests 0.8 s, the two shares about 5.5 s and taking the child's entries 1.1 s; adding the
generated files 1.6 s, the downloads 0.75 s of it), MkDocs' reading loop 1.8 s (1.9 s of full
collections across it and the files event, since frozen away), the pages built ahead 14.7 s in
two even shares, MkDocs' loop over them 0.85 s. About 6 s of it ran in one process only.
A model page built ahead costs about 3 ms of CPU: its body 1.65 ms (data 0.45 ms,
the template 1.2 ms: about 300 escapes and 80 calls), populating 0.33 ms, the shell and the
write 0.57 ms, the evidence copies 0.3 ms. Next steps, by size: move work out of MkDocs' process
(the downloads could be written by a worker; the child's loaded entries are pickled after its
share, while the parent waits); a cheaper model page template; one YAML parse, not two.

Then (2026-12-02, seventh session), each change timed paired against the one before:

* Python's teardown: MkDocs keeps its plugins until Python exits, and letting go of the build held
  there took about 3 s after build() had returned (0.6 s now: the plugin lets go of its pages at
  the build's end, LeaderboardPlugin._let_go).
* The downloads (0.74 s) are written by a forked child while MkDocs' process adds the generated
  files and reads its pages, on the CPU otherwise idle then (forked.in_background).
* A loading child gets a share smaller by what pickling its results back costs (forked.shares'
  costs); a loss log pickles column by column; a manifest is parsed once (untrusted._quick_load).
* The site no longer imports numpy (0.2 s) nor mkdocs serve's server; printable text skips the
  search for control characters (a model page's text in 1.04 ms, from 1.12 ms).

``--models 2500 --models 5000 --browser --rounds 3``, then ``--models 5000 --rounds 3`` twice,
nothing else running (load about 1.3 from the benchmark itself):

    models=2500 load=1.30 cpus=2 html_pages=5010 rounds=3 build_s=12.54 one_process_s=17.81
      plain_build_s=8.68 ratio=1.31 ratio_low=1.10 ratio_high=1.44 one_process_ratio=2.05
      peak_mib=246.98 index_gzip_kib=152.58 fcp_ms=280 dcl_ms=390.20 first_sort_ms=47.60 sort_ms=19.40
    models=5000 load=1.38 cpus=2 html_pages=10010 rounds=3 build_s=23.66 one_process_s=30.49
      plain_build_s=19.70 ratio=1.26 ratio_low=1.11 ratio_high=1.29 one_process_ratio=1.55
      peak_mib=453.67 index_gzip_kib=291.82 fcp_ms=296 dcl_ms=466.60 first_sort_ms=38.90 sort_ms=17.40
    models=5000 load=1.36 cpus=2 html_pages=10010 rounds=3 build_s=28.48 plain_build_s=20.51
      ratio=1.30 ratio_low=1.26 ratio_high=1.46
    models=5000 load=1.37 cpus=2 html_pages=10010 rounds=3 build_s=22.67 plain_build_s=18.81
      ratio=1.10 ratio_low=1.09 ratio_high=1.41

So at N = 5,000 the build took 1.26x, 1.30x and 1.10x the floor (medians of three rounds; from
1.43-1.51x): the 1.2x target is met in one run of three, NOT reliably. 2x N took 1.89x the time
(target 2.1x: met). The page targets hold (292 KiB gzipped, first paint 0.30 s, DOMContentLoaded
0.47 s, a sort 17-39 ms). At 5,000 (one build of 20.9 s inside build(), timers around each step):
loading 5.3 s (the shares 3.9 s, the child's entries back about 1 s), adding the generated files
0.9 s, MkDocs' reading loop 0.2 s, the pages built ahead 13.5 s in two shares, MkDocs' loop after
them 0.6 s. Next: a model page's template is now most of the rest (about 1 ms of 1.7 ms a page,
spread over ~270 escapes and ~80 calls; the Korean and English pages could share one pass); the
claims page's search entries (Material's HTML parser, 1.4 s a language); the child's entries
sent while it loads rather than after.

Then (2026-12-03, eighth session) two changes:

* How builds are timed. This machine's disk is ext4 without a journal; there, making a file or
  a folder skips every inode freed in the last one to six minutes (``recently_deleted`` in the
  kernel's fs/ext4/ialloc.c, seen with ``perf record``: about a quarter of all CPU samples of a
  build). Each build used to start by deleting the site the build before had written, so it
  paid for that deletion: ours spent 5-22 s of system time a build, the floor 5-7 s, against
  5-6 s and 1 s after no deletion; which build came after which decided much of a round's
  ratio. Each build now writes a new folder and none is deleted until the run is done (every
  N's: a later N is not timed after an earlier one's deletion), as a CI build on a fresh runner
  deletes nothing either. Our site makes about 45,000 inodes
  (17,500 folders: one per team and language, one per model's evidence; 27,500 files), the
  floor 10,000, so the deletion weighed on ours more.
* raw_html reads a page in one pass of a regular expression (0.10 ms a model page from 0.30 ms).

``--models 5000 --rounds 3``, then ``--models 2500 --models 5000 --browser --rounds 3``, then
the build before the raw_html change timed the new way, then this build timed the old way
(each site deleted before the next build):

    models=5000 load=1.27 cpus=2 html_pages=10010 rounds=3 build_s=17.80 one_process_s=30.14
      plain_build_s=17.54 ratio=1.01 ratio_low=0.98 ratio_high=1.13 one_process_ratio=1.72
      peak_mib=440.21 worker_peak_mib=415.48 index_gzip_kib=291.82
    models=2500 load=1.24 cpus=2 html_pages=5010 rounds=3 build_s=9.79 one_process_s=16.23
      plain_build_s=10.82 ratio=0.92 ratio_low=0.89 ratio_high=1.10 one_process_ratio=1.50
      peak_mib=239.82 index_gzip_kib=152.58 fcp_ms=364 dcl_ms=414.50 first_sort_ms=31.30 sort_ms=14.20
    models=5000 load=1.41 cpus=2 html_pages=10010 rounds=3 build_s=18.93 one_process_s=34.14
      plain_build_s=19.26 ratio=0.96 ratio_low=0.93 ratio_high=1.09 one_process_ratio=1.77
      peak_mib=440.41 index_gzip_kib=291.82 fcp_ms=304 dcl_ms=451.40 first_sort_ms=18.60 sort_ms=11.40
    (before raw_html) models=5000 build_s=18.20 plain_build_s=18.63 ratio=0.98 ratio_low=0.88
      ratio_high=1.01 peak_mib=468.22
    (deleting first)  models=5000 build_s=21.90 plain_build_s=20.69 ratio=1.06 ratio_low=0.99
      ratio_high=1.28 peak_mib=439.11

and last, with every N's sites kept until the run is done (``--models 2500 --models 5000
--browser --rounds 3``):

    models=2500 build_s=9.80 plain_build_s=9.07 ratio=1.01 ratio_low=0.99 ratio_high=1.11
      fcp_ms=340 dcl_ms=463.60 first_sort_ms=67.50 sort_ms=13.20
    models=5000 build_s=19.64 one_process_ratio=1.67 plain_build_s=19.07 ratio=1.05
      ratio_low=1.03 ratio_high=1.06 peak_mib=440.90 index_gzip_kib=291.82 fcp_ms=412
      dcl_ms=586.30 first_sort_ms=18 sort_ms=16.50

So at N = 5,000 the build takes 0.96-1.05x the floor (medians of three rounds; single rounds
0.93-1.13x): the 1.2x target is met, and met too when each build follows a deletion (1.06x,
single rounds up to 1.28x). Most of the change from the runs above is the timing: the build
before raw_html, timed the new way, took 0.98x. 2x N took 1.93-2.00x the time (target 2.1x:
met). The page targets hold: 292 KiB gzipped, first paint 0.30-0.41 s, DOMContentLoaded
0.41-0.59 s, a sort 11-68 ms (the first one is the slowest).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "data" / "site_repo"
CHROMIUM = Path("/usr/bin/chromium")


def _vary_manifest(text: str, index: int, rng: random.Random) -> str:
    data = yaml.safe_load(text)
    data["model"]["name"] = f"{data['model']['name']}-v{index}"
    parameters = data["model"]["parameters"]
    scale = rng.choice([0.5, 1, 2, 4, 10])
    parameters["total"] = int(parameters["total"] * scale)
    if parameters.get("active"):
        parameters["active"] = max(1, int(parameters["active"] * scale))
    for score in data.get("self_reported", []):
        score["value"] = round(rng.uniform(20, 90), 1)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _vary_record(path: Path, submission_id: str, rng: random.Random) -> str:
    record = json.loads(path.read_text(encoding="utf-8"))
    record["submission"] = submission_id
    for score in record["scores"]:
        score["value"] = round(min(1.0, max(0.0, score["value"] + rng.uniform(-0.2, 0.2))), 4)
    return json.dumps(record, ensure_ascii=False, indent=1)


def write_submissions(root: Path, count: int, seed: int = 12) -> None:
    """count submissions under root/submissions, cycling through the fixture's four kinds."""
    rng = random.Random(seed)
    kinds = sorted(p.parent for p in (FIXTURE / "submissions").glob("*/*/submission.yaml"))
    for index in range(count):
        kind = kinds[index % len(kinds)]
        folder = root / "submissions" / f"org{index:05d}" / kind.name
        folder.mkdir(parents=True)
        manifest = (kind / "submission.yaml").read_text(encoding="utf-8")
        (folder / "submission.yaml").write_text(_vary_manifest(manifest, index, rng), encoding="utf-8")
        for extra in kind.glob("*.csv"):
            shutil.copy(extra, folder / extra.name)
        for run in (kind / "runs").glob("*.json") if (kind / "runs").is_dir() else ():
            (folder / "runs").mkdir(exist_ok=True)
            text = _vary_record(run, f"org{index:05d}/{kind.name}", rng)
            (folder / "runs" / run.name).write_text(text, encoding="utf-8")


def write_config(root: Path, plain_pages: int | None) -> Path:
    """mkdocs.yml of the fixture (the plugin), or of plain pages only (the floor)."""
    config = yaml.safe_load((FIXTURE / "mkdocs.yml").read_text(encoding="utf-8"))
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    if plain_pages is None:
        shutil.copy(FIXTURE / "site_src" / "about.md", docs / "about.md")
    else:
        config["plugins"] = ["search", "offline"]
        config["nav"] = [{"Home": "index.md"}]
        config["not_in_nav"] = "/models/\n"
        body = (FIXTURE / "site_src" / "about.md").read_text(encoding="utf-8")
        (docs / "index.md").write_text("# Home\n", encoding="utf-8")
        for page in range(plain_pages):
            (docs / "models").mkdir(exist_ok=True)
            (docs / "models" / f"p{page}.md").write_text(body, encoding="utf-8")
    config["docs_dir"] = "docs"
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# The child builds and then reports its own peak memory and its largest worker's (max RSS,
# KiB on Linux; the plugin forks workers that build the model pages: site/page_builds.py).
_BUILD = (
    "import resource, sys\n"
    "from mkdocs.commands.build import build\n"
    "from mkdocs.config import load_config\n"
    "config = load_config(sys.argv[1], strict=True, site_dir=sys.argv[3])\n"
    "if sys.argv[2] != '-':\n"
    "    config.plugins['kleaderboard'].config.workers = int(sys.argv[2])\n"
    "build(config)\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
    " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def timed_build(config: Path, site: Path, workers: int | None = None) -> tuple[float, float, float]:
    """(seconds, peak MiB, largest worker's peak MiB) of a strict MkDocs build in a child
    process, into the folder site, which must not exist; workers: the plugin's option (None: its
    default, one per CPU).

    Each build writes a new folder and none is deleted until every build of a measurement is
    done: this machine's disk is ext4 without a journal, where making a file or folder skips
    every inode freed in the last one to six minutes (``recently_deleted`` in the kernel's
    fs/ext4/ialloc.c), so a build that followed the deletion of the previous site spent 5-22 s
    of system time where it spends 5-6 s after none (ours, N = 5,000; the floor 5-7 s against
    1 s), and that cost went to whichever build came next."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _BUILD, str(config), "-" if workers is None else str(workers), str(site)],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    own, children = done.stdout.split()[-2:]
    return seconds, int(own) / 1024, int(children) / 1024


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def browser_figures(site: Path) -> dict[str, float]:
    """First contentful paint, DOMContentLoaded and one sort of the leaderboard, in ms: the first
    right after the load event, then one once the page is idle (its row payload read)."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"http://127.0.0.1:{server.server_port}/index.html", wait_until="load")
            timing = page.evaluate(
                """() => ({
                  fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
                  dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
                })"""
            )
            sort = """() => {
                  const button = [...document.querySelectorAll('#leaderboard thead th button')][4];
                  const start = performance.now();
                  button.click();
                  return performance.now() - start;
                }"""
            # right after the load event: the payload may not be read yet, so this one reads it
            first_sort_ms = page.evaluate(sort)
            page.reload(wait_until="load")
            # once the page is idle (sortable.js reads the payload then): what a reader's click costs
            page.wait_for_function("document.getElementById('leaderboard').klStore !== undefined")
            sort_ms = page.evaluate(sort)
            browser.close()
    finally:
        server.shutdown()
    figures = {"fcp_ms": timing["fcp"], "dcl_ms": timing["dcl"]}
    return figures | {"first_sort_ms": first_sort_ms, "sort_ms": sort_ms}


def measure(count: int, browser: bool, folder: Path, rounds: int = 1) -> dict[str, float]:
    """Every figure for N = count; with several rounds, our build and the floor's in turn,
    each round's ratio taken (the machine's speed drifts between builds, less within a
    round), and the medians given. Everything is written into a new folder in ``folder``,
    which the caller deletes when every N is measured (see :func:`timed_build`)."""
    tmp = Path(tempfile.mkdtemp(prefix=f"n{count}-", dir=folder))
    ours, plain = tmp / "ours", tmp / "plain"
    ours.mkdir()
    plain.mkdir()
    write_submissions(ours, count)
    config = write_config(ours, None)
    site = ours / "site-one-process"
    one_seconds, _, _ = timed_build(config, site, workers=1)  # every page in MkDocs' own process
    pages = sum(1 for _ in site.rglob("*.html"))
    plain_config = write_config(plain, pages)
    builds, floors = [], []
    for round in range(rounds):
        builds.append(timed_build(config, ours / f"site-{round}"))
        floors.append(timed_build(plain_config, plain / f"site-{round}"))
    seconds = statistics.median(build[0] for build in builds)
    peak, worker_peak = max(build[1] for build in builds), max(build[2] for build in builds)
    floor_seconds = statistics.median(floor[0] for floor in floors)
    floor_peak = max(floor[1] for floor in floors)
    ratios = [build[0] / floor[0] for build, floor in zip(builds, floors, strict=True)]
    index = (site / "index.html").read_bytes()
    figures = {
        "models": count,
        "load": os.getloadavg()[0],  # other work on the machine: every time is an upper bound
        "cpus": len(os.sched_getaffinity(0)),
        "html_pages": pages,
        "rounds": rounds,
        "build_s": seconds,
        "one_process_s": one_seconds,
        "plain_build_s": floor_seconds,
        "ratio": statistics.median(ratios),
        "ratio_low": min(ratios),
        "ratio_high": max(ratios),
        "one_process_ratio": one_seconds / floor_seconds,
        "peak_mib": peak,
        "worker_peak_mib": worker_peak,
        "plain_peak_mib": floor_peak,
        "index_kib": len(index) / 1024,
        "index_gzip_kib": len(gzip.compress(index)) / 1024,
    }
    if browser:
        figures |= browser_figures(site)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, action="append", help="N (repeatable); default 100")
    parser.add_argument("--browser", action="store_true", help="also time Chromium (needs /usr/bin/chromium)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="builds of ours and the floor's, in turn; the medians (default 1)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:  # every N's sites deleted only at the end
        for count in args.models or [100]:
            figures = measure(count, args.browser, Path(folder), max(1, args.rounds))
            print(
                " ".join(
                    f"{key}={value:.2f}" if isinstance(value, float) else f"{key}={value}"
                    for key, value in figures.items()
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
