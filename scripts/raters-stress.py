#!/usr/bin/env python3
"""Three raters and a `report --json` loop on one ratings database, in tmux, for a fixed time (issue 16).

Each rater is a real `dropfill rate` in its own tmux window, driven by this script: it answers every
"Your scores" screen with three scores and counts a rating as *confirmed* when the session moves past it
(the rating's transaction committed). A rater that finishes its study is replaced by a new rater ID. A fourth
window runs `dropfill report --json` in a loop. At the end the confirmed count is compared with the rows in
the database (one row per attribute), and every screen and report error is searched for "locked".

    scripts/raters-stress.py [--minutes 5] [--binary .build/debug/dropfill] [--keep DIR]

Prints one summary line per fact and exits non-zero when a confirmed rating is missing or "locked" appeared.
"""
import argparse, os, shutil, sqlite3, subprocess, sys, tempfile, time

p = argparse.ArgumentParser()
p.add_argument("--minutes", type=float, default=5)
p.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "dropfill"))
p.add_argument("--raters", type=int, default=3)
p.add_argument("--keep", help="work in this folder and keep it")
args = p.parse_args()
binary = os.path.abspath(args.binary)
root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
work = args.keep or tempfile.mkdtemp(prefix="raters-stress-")
os.makedirs(work, exist_ok=True)
sock = "raters-stress-%d" % os.getpid()
db, cache = os.path.join(work, "ratings.sqlite"), os.path.join(work, "cache")

def tmux(*a, check=True):
    return subprocess.run(["tmux", "-L", sock] + list(a), capture_output=True, text=True, check=check).stdout

# Six one-second synthetic clips (48×48, a tone): every rater sees 6 × (2 methods + reference) + 1 practice.
clips = []
for i in range(6):
    path = os.path.join(work, "clip%d.mp4" % i)
    if not os.path.exists(path):
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=48x48:rate=25:duration=1",
                        "-f", "lavfi", "-i", "sine=frequency=%d:duration=1" % (300 + 50 * i), "-vf", "hue=h=%d" % (40 * i),
                        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path], check=True)
    clips.append("clip%d.mp4" % i)
study = os.path.join(work, "study.json")
with open(study, "w") as f:
    f.write('{"name": "stress", "clips": %s, "methods": ["hold", "blend"], "drop": {"rate": 0.6, "seed": 3},'
            ' "training": 1, "session_minutes": 30, "allow_silent": true, "max_side": 48}' % str(clips).replace("'", '"'))
subprocess.run([binary, "rate", study, "--cache", cache, "--prepare-only"], check=True, capture_output=True)

env = "cd %s && DROPFILL_AUDIO=off LANG=C.UTF-8 LC_ALL=C.UTF-8 DROPFILL_THEMES=%s" % (work, os.path.join(root, "Themes"))
tmux("new-session", "-d", "-x", "100", "-y", "32", "-s", "stress", "-n", "report",
     "%s; while true; do %s report study.json --db %s --json >/dev/null 2>>report.err || echo \"exit $?\" >>report.err; sleep 0.2; done"
     % (env, binary, db))

class Rater:
    def __init__(self, slot):
        self.slot, self.generation, self.confirmed, self.pending, self.started = slot, 0, 0, None, 0
        self.window = "rater%d" % slot
        tmux("new-window", "-d", "-t", "stress", "-n", self.window, "bash")
        self.launch()

    def launch(self):
        self.generation += 1
        self.id = "r%d-%d" % (self.slot, self.generation)
        self.pending, self.answered, self.started = None, set(), time.time()
        cmd = "%s %s rate study.json --rater %s --db %s --cache %s --graphics ascii --order-seed %d; echo EXITED $?" % (
            env, binary, self.id, db, cache, 100 * self.slot + self.generation)
        tmux("send-keys", "-t", "stress:" + self.window, "clear; " + cmd, "Enter")

    def keys(self, *k):
        tmux("send-keys", "-t", "stress:" + self.window, *k)

    def step(self, screen, log):
        if "locked" in screen.lower():
            log.append("%s: %s" % (self.id, [l for l in screen.splitlines() if "locked" in l.lower()]))
        label = next((l.strip() for l in screen.splitlines() if ("video " in l and " of " in l) or "practice " in l), None)
        if self.pending is not None and (label != self.pending or "Your scores" not in screen):
            self.confirmed += 1           # the session moved on: the rating committed
            self.answered.add(self.pending)
            self.pending = None
        if "EXITED" in screen:
            if "EXITED 0" not in screen:
                log.append("%s exited: %s" % (self.id, screen.strip().splitlines()[-3:]))
            self.launch()
        elif "All " in screen and "are rated" in screen:
            self.keys("q")
        elif "Press Enter to begin" in screen or "Practice is over" in screen or "Welcome back" in screen:
            self.keys("Enter")
        elif "Your scores" in screen and label and self.pending is None and label not in self.answered:
            for s in ("5", "6", "7"):
                self.keys(s, "Enter")
            self.pending = label

raters = [Rater(i) for i in range(args.raters)]
log, end = [], time.time() + 60 * args.minutes
while time.time() < end:
    for r in raters:
        screen = tmux("capture-pane", "-p", "-t", "stress:" + r.window, check=False)
        r.step(screen, log)
    time.sleep(0.15)
# Let the last answers land, then stop everything.
time.sleep(2)
for r in raters:
    r.step(tmux("capture-pane", "-p", "-t", "stress:" + r.window, check=False), log)
tmux("kill-server", check=False)

con = sqlite3.connect(db)
rows = con.execute("SELECT count(*) FROM ratings").fetchone()[0]
per = con.execute("SELECT count(DISTINCT attribute) FROM ratings").fetchone()[0] or 3
mode = con.execute("PRAGMA journal_mode").fetchone()[0]
con.close()
report_errors = open(os.path.join(work, "report.err")).read() if os.path.exists(os.path.join(work, "report.err")) else ""
confirmed = sum(r.confirmed for r in raters)
locked = [l for l in log if "locked" in l.lower()] + [l for l in report_errors.splitlines() if "locked" in l.lower()]
print("minutes: %.1f, raters at once: %d, rater sessions: %d" % (args.minutes, len(raters), sum(r.generation for r in raters)))
print("confirmed ratings: %d; ratings in the database: %d (%d rows / %d attributes); journal mode: %s" % (confirmed, rows // per, rows, per, mode))
print("'locked' seen: %d; report errors: %d; other problems: %d" % (len(locked), len([l for l in report_errors.splitlines() if l.strip()]),
                                                                    len([l for l in log if "locked" not in l.lower()])))
for l in log[:10] + report_errors.splitlines()[:10]:
    print("  " + l)
if not args.keep:
    shutil.rmtree(work, ignore_errors=True)
sys.exit(0 if rows // per >= confirmed and not locked else 1)
