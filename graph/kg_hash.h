/* kg_hash.h — a fast hash for in-memory tables, shared by the string pool
 * and the extractor.  Not installed. */
#ifndef KG_HASH_H
#define KG_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Hash of len bytes for in-memory tables whose hash values nothing else
 * sees (the string pool, the extractor's word cache and phrases): eight
 * bytes a step (the last eight, or two overlapping halves, read whole),
 * where kg_hash64 (whose values ids derive from) must go byte by byte.  Not
 * stable across versions: never for anything written out. */
static inline uint64_t kg_hash_fast(const char *s, size_t len) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ len, w;
    if (len >= 8) {
        for (size_t i = 0; i + 8 < len; i += 8) {
            memcpy(&w, s + i, 8);
            h = (h ^ w) * 0xff51afd7ed558ccdULL;
            h ^= h >> 32;
        }
        memcpy(&w, s + len - 8, 8);
    } else if (len >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + len - 4, 4);
        w = (uint64_t)hi << 32 | lo;
    } else {
        const unsigned char *u = (const unsigned char *)s;
        w = len == 0 ? 0 : (uint64_t)u[0] << 16 | (uint64_t)u[len / 2] << 8 | u[len - 1];
    }
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

#endif /* KG_HASH_H */
