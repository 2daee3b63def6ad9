#!/usr/bin/env python3
"""Makes SampleData/models/en-us-phone-bigram.arpa, the phonetic bigram the engine's phone decoder uses.

Input: Debian's en-us phonetic trigram (pocketsphinx-en-us) written as ARPA text by sphinxbase's own converter
(Debian's sphinxbase-utils):

    sphinx_lm_convert -i /usr/share/pocketsphinx/model/en-us/en-us-phone.lm.bin -o /tmp/phone.arpa -ofmt arpa
    python3 scripts/make-phone-bigram.py /tmp/phone.arpa SampleData/models/en-us-phone-bigram.arpa

Output: the same unigrams (with their back-off weights) and bigrams (without theirs, which only trigrams use), no
trigrams; every probability as the trigram file states it. With no trigrams a bigram's probability is its own and
an unseen bigram backs off to the unigram, so this is the trigram model's bigram marginal as the file's authors
estimated it, not a re-estimate. Why: the allphone search scores every successor of every exiting phone under the
language model, and the trigram look-ups were about half of the decoding time (DECISIONS.md, "A phonetic bigram").
"""
import sys

HEADER = """This is an ARPA-format phonetic bigram for dropfill's phone decoder (PhoneRecognizer.languageModel).
Made by scripts/make-phone-bigram.py from en-us-phone.lm.bin of Debian 12's pocketsphinx-en-us 0.8+5prealpha+1-15 (the
trigram's unigrams and bigrams, its trigrams left out). That model is
Copyright 1995-2014 Carnegie Mellon University, 2014-2015 Alpha Cephei Inc., under the BSD-2 licence
(/usr/share/doc/pocketsphinx-en-us/copyright; the notice is reproduced in SampleData/models/README-phones.md).
"""


def bigram(lines):
    """The ARPA lines of `lines` without the 3-gram section and without the bigrams' back-off weights."""
    out, section = [], None
    for line in lines:
        text = line.strip()
        if text.startswith("ngram 3="):
            continue
        if text.startswith("\\") and text.endswith(":"):
            section = text
        elif text == "\\end\\":
            section = None
        if section == "\\3-grams:":
            continue
        if section == "\\2-grams:" and text and not text.startswith("\\"):
            fields = line.split("\t")
            if len(fields) < 3:
                raise SystemExit(f"not an ARPA bigram line: {line!r}")
            out.append("\t".join(fields[:3]))
            continue
        out.append(line)
    return out


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: make-phone-bigram.py TRIGRAM.arpa OUT.arpa")
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = f.read().split("\n")
    if "\\data\\" not in lines or "\\2-grams:" not in lines:
        raise SystemExit(f"{sys.argv[1]} is not an ARPA language model with bigrams")
    body = bigram(lines[lines.index("\\data\\"):])
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(HEADER + "\n" + "\n".join(body).rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
