// Shim for pocketsphinx 5prealpha (Debian 12 package 0.8+5prealpha+1-15, sphinxbase 5prealpha): the C API of the
// 0.8 line (cmd_ln_t configuration, ps_decoder_t, ps_seg_t iteration), not the 5.0 API (ps_config_t).
// cmd_ln_init is variadic, which Swift cannot call (platform-notes.md): the static inline functions build the
// configurations the project uses.
#ifndef DROPFILL_CPOCKETSPHINX_SHIM_H
#define DROPFILL_CPOCKETSPHINX_SHIM_H

#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/ngram_model.h>

/// Silences pocketsphinx's and sphinxbase's log (it writes its whole configuration to stderr otherwise).
static inline void dropfill_ps_quiet(void) { err_set_logfp(NULL); }

/// Configuration for phone decoding (allphone search) with the acoustic model folder `hmm` and the phonetic
/// language model `allphone` (an ARPA or binary n-gram over phones). `ci` non-zero decodes context-independent
/// phones (about 100 times faster than triphones and as good for visemes). `beam` and `pbeam` are the search
/// beams as decimal strings ("1e-20"), `lw` the language weight ("2.0"); `ds` the GMM downsampling ratio ("2":
/// the acoustic scores are computed on every second frame and reused on the next, the search still runs on every
/// 10 ms frame) and `topn` the Gaussians scored per codebook ("4", the model's default). NULL when an option is
/// rejected.
static inline cmd_ln_t *dropfill_ps_allphone_config(const char *hmm, const char *allphone, int ci,
                                                     const char *beam, const char *pbeam, const char *lw,
                                                     const char *ds, const char *topn) {
    return cmd_ln_init(NULL, ps_args(), TRUE,
                       "-hmm", hmm,
                       "-allphone", allphone,
                       "-allphone_ci", ci ? "yes" : "no",
                       "-backtrace", "no",
                       "-beam", beam,
                       "-pbeam", pbeam,
                       "-lw", lw,
                       "-ds", ds,
                       "-topn", topn,
                       "-samprate", "16000",
                       "-logfn", "/dev/null",
                       NULL);
}

/// Whether sphinxbase reads `path` as an n-gram model (ARPA or binary): 1 when it loads, 0 when it does not. The
/// allphone search does not fail on a language model it cannot read; it decodes with a plain phone loop instead, so
/// a bad file would change the phones without a word.
static inline int dropfill_ps_lm_loads(const char *path) {
    logmath_t *lmath = logmath_init(1.0001, 0, 0);
    if (lmath == NULL) return 0;
    ngram_model_t *model = ngram_model_read(NULL, path, NGRAM_AUTO, lmath);
    int ok = model != NULL;
    if (model) ngram_model_free(model);
    logmath_free(lmath);
    return ok;
}

#endif
