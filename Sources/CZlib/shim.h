// zlib from Debian (zlib1g-dev), for deflated members of .npz archives.
// FeatureFiles streams them with inflate(); zlib's API imports as is, except
// inflateInit2, a macro over inflateInit2_ that passes the library version.
#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H

#include <zlib.h>

static inline int czlib_inflate_init_raw(z_stream *stream) {
    // Negative window bits: a raw deflate stream, as zip members store it.
    return inflateInit2(stream, -MAX_WBITS);
}

#endif
