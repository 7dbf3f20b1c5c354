/**
 * The upper tail of the standard normal distribution, Q(z) = P(Z > z), from a complementary error
 * function approximation with fractional error below 1.2e-7 everywhere (the Chebyshev fit in
 * Numerical Recipes, §6.2). Hand-written because it is four lines on the detectors' hot path and no
 * maintained package offers a plain, allocation-free `erfc`.
 */
export function erfc(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  return x >= 0 ? r : 2 - r
}

/** P(Z > z) for a standard normal Z. */
export function normalTail(z: number): number {
  return 0.5 * erfc(z * Math.SQRT1_2)
}

/** P(|Z| > |z|): the two-sided tail. */
export function twoSidedTail(z: number): number {
  return erfc(Math.abs(z) * Math.SQRT1_2)
}
