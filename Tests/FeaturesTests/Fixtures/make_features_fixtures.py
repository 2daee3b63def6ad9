#!/usr/bin/env python3
"""Makes the reference fixtures for Tests/FeaturesTests (run from this folder; needs ffmpeg,
numpy, python_speech_features 0.6, librosa 0.11).

  python3 make_features_fixtures.py /work/shared/data/grid/bbaf2n.mpg

Writes (all little-endian float32, row-major):
  excerpt.f32   1.0 s (16000 samples) of the clip's audio from 0.5 s, mono 16 kHz (ffmpeg -ac 1 -ar 16000 -f f32le)
  mfcc.f32      python_speech_features.mfcc(excerpt as float64) with its defaults
                (winlen 0.025, winstep 0.01, numcep 13, nfilt 26, nfft 512, preemph 0.97, ceplifter 22,
                appendEnergy True, rectangular window): frames x 13
  logmel.f32    log(max(librosa.feature.melspectrogram(y=excerpt as float64, sr=16000, n_fft=512,
                win_length=400, hop_length=160, window='hann', center=True, pad_mode='constant', power=2,
                n_mels=128, htk=False (Slaney scale), norm='slaney', dtype=float64), 1e-10)).T: frames x 128
  fixtures.json shapes and the exact calls above.
The reference is computed in float64 from the float32 excerpt, so it is the library's exact answer.
"""
import json, subprocess, sys
import numpy as np
import python_speech_features as psf
import librosa

path = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/grid/bbaf2n.mpg"
raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", "0.5", "-i", path, "-t", "1.0", "-vn",
                      "-ac", "1", "-ar", "16000", "-f", "f32le", "-"], check=True, capture_output=True).stdout
x = np.frombuffer(raw, dtype="<f4")[:16000].copy()
assert x.size == 16000, x.size
x.astype("<f4").tofile("excerpt.f32")
y = x.astype(np.float64)

mfcc = psf.mfcc(y, samplerate=16000)
mfcc.astype("<f4").tofile("mfcc.f32")

S = librosa.feature.melspectrogram(y=y, sr=16000, n_fft=512, win_length=400, hop_length=160, window="hann",
                                   center=True, pad_mode="constant", power=2.0, n_mels=128, htk=False,
                                   norm="slaney", dtype=np.float64)
logmel = np.log(np.maximum(S, 1e-10)).T
logmel.astype("<f4").tofile("logmel.f32")

json.dump({
    "source": path + " audio, 0.5 s to 1.5 s",
    "excerpt": {"file": "excerpt.f32", "samples": int(x.size), "sampleRate": 16000},
    "mfcc": {"file": "mfcc.f32", "frames": int(mfcc.shape[0]), "dims": int(mfcc.shape[1]),
             "call": "python_speech_features 0.6 mfcc(y, samplerate=16000) defaults"},
    "logmel": {"file": "logmel.f32", "frames": int(logmel.shape[0]), "dims": int(logmel.shape[1]),
               "call": "log(max(librosa 0.11 melspectrogram(n_fft=512, win_length=400, hop_length=160, "
                       "hann, center=True, pad_mode=constant, power=2, n_mels=128, htk=False, norm=slaney), 1e-10))"},
}, open("fixtures.json", "w"), indent=1)
print(mfcc.shape, logmel.shape, mfcc[10, :4], logmel[10, :4])
