//! The matrix product of a dense layer's forward and backward passes, for the small shapes
//! PPO has (minibatches of 64 rows, 64-unit layers, single rows during rollouts).
//!
//! A general GEMM repacks both operands on every call; at these sizes the packing cost as
//! much as the arithmetic. These kernels instead keep a 4-row × 16-column tile of the
//! result in registers (eight independent FMA chains, enough to hide their latency) and
//! stream the other operands from L1. Narrow results (the one- or two-column output
//! layers) would leave those tiles empty, so they are computed sixteen entries of the
//! reduction (or of the rows) at a time instead. Each kernel is compiled twice, with AVX2
//! and FMA for processors that have them and without, and the choice is made at run time.
//!
//! Matrices are row-major; a layer's weights are `W[inputs × outputs]`.

/// Columns of the result kept in registers at once: two AVX vectors.
const BLOCK: usize = 16;
/// Rows of the result computed together.
const ROWS: usize = 4;

/// The shapes of one product: `rows` samples through a layer of `inputs → outputs`.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub rows: usize,
    pub inputs: usize,
    pub outputs: usize,
}

/// Y += X·W: `x` is `rows × inputs`, `w` is `inputs × outputs`, `y` is `rows × outputs`.
pub fn add_product(s: Shape, x: &[f32], w: &[f32], y: &mut [f32]) {
    assert!(x.len() >= s.rows * s.inputs && w.len() >= s.inputs * s.outputs);
    assert!(y.len() >= s.rows * s.outputs);
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the processor has the features `fused` is compiled for.
        return unsafe { fused::add_product(s, x, w, y) };
    }
    add_product_impl::<false>(s, x, w, y)
}

/// G += Xᵀ·D, a layer's weight gradient: `x` is `rows × inputs`, `d` is `rows × outputs`,
/// `g` is `inputs × outputs`.
pub fn add_transposed_product(s: Shape, x: &[f32], d: &[f32], g: &mut [f32]) {
    assert!(x.len() >= s.rows * s.inputs && d.len() >= s.rows * s.outputs);
    assert!(g.len() >= s.inputs * s.outputs);
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: as in `add_product`.
        return unsafe { fused::add_transposed_product(s, x, d, g) };
    }
    add_transposed_product_impl::<false>(s, x, d, g)
}

/// `dst` (`cols × rows`) = `src` (`rows × cols`) transposed.
pub fn transpose(rows: usize, cols: usize, src: &[f32], dst: &mut Vec<f32>) {
    dst.clear();
    dst.resize(rows * cols, 0.0);
    for (r, row) in src.chunks_exact(cols).take(rows).enumerate() {
        for (c, &v) in row.iter().enumerate() {
            dst[c * rows + r] = v;
        }
    }
}

#[cfg(target_arch = "x86_64")]
fn has_avx2_fma() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

#[cfg(target_arch = "x86_64")]
mod fused {
    use super::Shape;

    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn add_product(s: Shape, x: &[f32], w: &[f32], y: &mut [f32]) {
        super::add_product_impl::<true>(s, x, w, y)
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn add_transposed_product(s: Shape, x: &[f32], d: &[f32], g: &mut [f32]) {
        super::add_transposed_product_impl::<true>(s, x, d, g)
    }
}

/// a·b + c, fused where the processor can (`FMA` is only true on that path).
#[inline(always)]
fn fma<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// The first [`BLOCK`] entries as an array, so that the loops over them have no bounds
/// checks and vectorise.
#[inline(always)]
fn block(xs: &[f32]) -> &[f32; BLOCK] {
    xs[..BLOCK].try_into().expect("a slice of BLOCK entries")
}

/// The left operand of a product, read through strides (so that Xᵀ needs no copy).
#[derive(Clone, Copy)]
struct Left<'a> {
    data: &'a [f32],
    row_stride: usize,
    col_stride: usize,
}

impl Left<'_> {
    #[inline(always)]
    fn at(&self, r: usize, c: usize) -> f32 {
        self.data[r * self.row_stride + c * self.col_stride]
    }
}

#[inline(always)]
fn add_product_impl<const FMA: bool>(s: Shape, x: &[f32], w: &[f32], y: &mut [f32]) {
    if s.outputs >= BLOCK {
        let x = Left {
            data: x,
            row_stride: s.inputs,
            col_stride: 1,
        };
        return product::<FMA>((s.rows, s.inputs, s.outputs), x, w, y);
    }
    // A narrow output layer: y[r, o] = x_r · W[:, o], sixteen inputs at a time, with the
    // column copied out first so that it is read contiguously.
    let blocked = s.inputs - s.inputs % BLOCK;
    let mut column = vec![0.0f32; s.inputs];
    for o in 0..s.outputs {
        for (i, c) in column.iter_mut().enumerate() {
            *c = w[i * s.outputs + o];
        }
        for (xr, yr) in x.chunks_exact(s.inputs).zip(y.chunks_exact_mut(s.outputs)) {
            let mut lanes = [0.0f32; BLOCK];
            for (xc, wc) in xr[..blocked]
                .chunks_exact(BLOCK)
                .zip(column[..blocked].chunks_exact(BLOCK))
            {
                let (xc, wc) = (block(xc), block(wc));
                for k in 0..BLOCK {
                    lanes[k] = fma::<FMA>(xc[k], wc[k], lanes[k]);
                }
            }
            let mut acc = yr[o] + lanes.iter().sum::<f32>();
            for i in blocked..s.inputs {
                acc = fma::<FMA>(xr[i], column[i], acc);
            }
            yr[o] = acc;
        }
    }
}

#[inline(always)]
fn add_transposed_product_impl<const FMA: bool>(s: Shape, x: &[f32], d: &[f32], g: &mut [f32]) {
    if s.outputs >= BLOCK {
        let xt = Left {
            data: x,
            row_stride: 1,
            col_stride: s.inputs,
        };
        return product::<FMA>((s.inputs, s.rows, s.outputs), xt, d, g);
    }
    // A narrow output layer: column o of G is Σ_r x_r · d[r, o], sixteen inputs at a time.
    let blocked = s.inputs - s.inputs % BLOCK;
    for o in 0..s.outputs {
        for i in (0..blocked).step_by(BLOCK) {
            let mut acc = [0.0f32; BLOCK];
            for (xr, dr) in x.chunks_exact(s.inputs).zip(d.chunks_exact(s.outputs)) {
                let xc = block(&xr[i..]);
                for k in 0..BLOCK {
                    acc[k] = fma::<FMA>(xc[k], dr[o], acc[k]);
                }
            }
            for (k, a) in acc.iter().enumerate() {
                g[(i + k) * s.outputs + o] += a;
            }
        }
        for i in blocked..s.inputs {
            let mut acc = g[i * s.outputs + o];
            for (xr, dr) in x.chunks_exact(s.inputs).zip(d.chunks_exact(s.outputs)) {
                acc = fma::<FMA>(xr[i], dr[o], acc);
            }
            g[i * s.outputs + o] = acc;
        }
    }
}

/// C[m × n] += A[m × k]·B[k × n], B and C row-major.
#[inline(always)]
fn product<const FMA: bool>(
    (m, k, n): (usize, usize, usize),
    a: Left<'_>,
    b: &[f32],
    c: &mut [f32],
) {
    if m == 0 || k == 0 || n == 0 {
        return;
    }
    // Every index the tiles use is below these bounds, so they can skip the checks.
    assert!((m - 1) * a.row_stride + (k - 1) * a.col_stride < a.data.len());
    assert!(k * n <= b.len() && m * n <= c.len());
    let full = m - m % ROWS;
    for r in (0..full).step_by(ROWS) {
        tile::<ROWS, FMA>(r, (k, n), a, b, c);
    }
    for r in full..m {
        tile::<1, FMA>(r, (k, n), a, b, c);
    }
}

/// Rows `r0..r0 + R` of C += A·B; the caller has checked the bounds.
#[inline(always)]
fn tile<const R: usize, const FMA: bool>(
    r0: usize,
    (k, n): (usize, usize),
    a: Left<'_>,
    b: &[f32],
    c: &mut [f32],
) {
    let blocked = n - n % BLOCK;
    let (ap, bp, cp) = (a.data.as_ptr(), b.as_ptr(), c.as_mut_ptr());
    let (rs, cs) = (a.row_stride, a.col_stride);
    for o in (0..blocked).step_by(BLOCK) {
        let mut acc = [[0.0f32; BLOCK]; R];
        // SAFETY (all accesses below): `product` asserted that every row r < m, column
        // i < k and output o < n stays inside `a`, `b` and `c`.
        unsafe {
            for (r, row) in acc.iter_mut().enumerate() {
                for (j, v) in row.iter_mut().enumerate() {
                    *v = *cp.add((r0 + r) * n + o + j);
                }
            }
            for i in 0..k {
                let br = bp.add(i * n + o);
                for (r, row) in acc.iter_mut().enumerate() {
                    let ai = *ap.add((r0 + r) * rs + i * cs);
                    for (j, v) in row.iter_mut().enumerate() {
                        *v = fma::<FMA>(ai, *br.add(j), *v);
                    }
                }
            }
            for (r, row) in acc.iter().enumerate() {
                for (j, v) in row.iter().enumerate() {
                    *cp.add((r0 + r) * n + o + j) = *v;
                }
            }
        }
    }
    for r in r0..r0 + R {
        for o in blocked..n {
            let mut acc = c[r * n + o];
            for i in 0..k {
                acc = fma::<FMA>(a.at(r, i), b[i * n + o], acc);
            }
            c[r * n + o] = acc;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: usize, cols: usize, k: f32) -> Vec<f32> {
        (0..rows * cols)
            .map(|i| (i as f32 * k).sin() * 2.0)
            .collect()
    }

    #[test]
    fn the_product_matches_a_plain_triple_loop_for_every_shape_kind() {
        // Whole tiles, remainder rows and columns, single rows, single outputs.
        for (rows, inputs, outputs) in [
            (64, 64, 64),
            (5, 4, 64),
            (1, 64, 2),
            (7, 3, 19),
            (64, 64, 1),
        ] {
            let x = matrix(rows, inputs, 0.37);
            let w = matrix(inputs, outputs, 0.11);
            let base = matrix(rows, outputs, 1.7);
            let mut y = base.clone();
            add_product(
                Shape {
                    rows,
                    inputs,
                    outputs,
                },
                &x,
                &w,
                &mut y,
            );
            for r in 0..rows {
                for o in 0..outputs {
                    let want: f64 = f64::from(base[r * outputs + o])
                        + (0..inputs)
                            .map(|i| f64::from(x[r * inputs + i]) * f64::from(w[i * outputs + o]))
                            .sum::<f64>();
                    let got = f64::from(y[r * outputs + o]);
                    assert!(
                        (got - want).abs() < 1e-4 * (1.0 + want.abs()),
                        "{rows}×{inputs}×{outputs} at ({r}, {o})"
                    );
                }
            }
        }
    }

    #[test]
    fn transpose_swaps_rows_and_columns() {
        let mut t = Vec::new();
        transpose(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &mut t);
        assert_eq!(t, [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }
}
