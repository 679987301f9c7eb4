#!/usr/bin/env python3
"""Golden values for `SeededGenerator` (Sources/Datasets/SeededGenerator.swift).

Transcribes the reference C code of SplitMix64 (Steele, Lea and Flood 2014; Vigna's `splitmix64.c`) and
xoshiro256** 1.0 (Blackman and Vigna 2018, `xoshiro256starstar.c`, prng.di.unimi.it), plus the two
derived draws the generator defines: Lemire's multiply-shift integer in [0, n) and a 53-bit double in [0, 1).
Prints the values that Tests/DatasetsTests/SyntheticPRNGTests.swift hard-codes. Standard library only.
"""

MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro256StarStar:
    def __init__(self, seed):
        self.s = []
        state = seed
        for _ in range(4):
            state, value = splitmix64(state)
            self.s.append(value)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def integer_below(self, bound):
        product = self.next() * bound
        low = product & MASK
        if low < bound:
            threshold = ((1 << 64) - bound) % bound
            while low < threshold:
                product = self.next() * bound
                low = product & MASK
        return product >> 64

    def unit(self):
        return (self.next() >> 11) * 2.0**-53


def main():
    state = 0
    values = []
    for _ in range(3):
        state, value = splitmix64(state)
        values.append(value)
    print("splitmix64(seed 0):", ", ".join(f"0x{v:016X}" for v in values))
    for seed in (0, 42):
        g = Xoshiro256StarStar(seed)
        print(f"xoshiro256** next (seed {seed}):", ", ".join(f"0x{g.next():016X}" for _ in range(5)))
    g = Xoshiro256StarStar(1)
    print("integer(below: 10) (seed 1):", [g.integer_below(10) for _ in range(12)])
    g = Xoshiro256StarStar(2)
    print("unit() (seed 2):", [repr(g.unit()) for _ in range(3)])


if __name__ == "__main__":
    main()
