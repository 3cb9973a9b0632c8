/// Winograd F(2×2, 3×3) convolution (Lavin & Gray, "Fast Algorithms for Convolutional Neural
/// Networks", 2016) for the 3×3, stride-1, padding-1 convolutions that dominate the UNet and VAE:
/// each 2×2 output tile costs 16 multiplies per channel pair instead of 36. The 16 transformed
/// products are OpenBLAS GEMMs over a band of tiles at a time, so memory stays bounded.
import Dispatch

extension ConvGeometry {
    /// True for convolutions the Winograd path handles and where it pays: large images and at least
    /// 128 channels. Below that the products are too thin for the saved multiplies to pay for the
    /// transforms: the demo model's 64-channel convolutions at 32×32 made a whole edit 10–20 %
    /// slower through Winograd than through im2col (release build, 3 dev tasks, 3 runs each).
    var prefersWinograd: Bool {
        isSame3x3 && inChannels >= 128 && outChannels >= 128 && outHeight * outWidth >= 1024
    }
}

/// U = G·g·Gᵀ for every (output, input) channel pair: 16 matrices of `[Cout, Cin]`.
private func winogradWeights(_ w: UnsafePointer<Float>, outChannels: Int, inChannels: Int) -> UnsafeMutablePointer<Float> {
    let pairs = outChannels * inChannels
    let u = UnsafeMutablePointer<Float>.allocate(capacity: 16 * pairs)
    parallelRanges(pairs, costPerItem: 64) { r in
        for pair in r {
            let g = w + pair * 9
            // G·g (4×3), then (G·g)·Gᵀ (4×4).
            let t00 = g[0], t30 = g[6]
            let t10 = 0.5 * (g[0] + g[3] + g[6]), t20 = 0.5 * (g[0] - g[3] + g[6])
            let t01 = g[1], t31 = g[7]
            let t11 = 0.5 * (g[1] + g[4] + g[7]), t21 = 0.5 * (g[1] - g[4] + g[7])
            let t02 = g[2], t32 = g[8]
            let t12 = 0.5 * (g[2] + g[5] + g[8]), t22 = 0.5 * (g[2] - g[5] + g[8])
            u[0 * pairs + pair] = t00
            u[1 * pairs + pair] = 0.5 * (t00 + t01 + t02)
            u[2 * pairs + pair] = 0.5 * (t00 - t01 + t02)
            u[3 * pairs + pair] = t02
            u[4 * pairs + pair] = t10
            u[5 * pairs + pair] = 0.5 * (t10 + t11 + t12)
            u[6 * pairs + pair] = 0.5 * (t10 - t11 + t12)
            u[7 * pairs + pair] = t12
            u[8 * pairs + pair] = t20
            u[9 * pairs + pair] = 0.5 * (t20 + t21 + t22)
            u[10 * pairs + pair] = 0.5 * (t20 - t21 + t22)
            u[11 * pairs + pair] = t22
            u[12 * pairs + pair] = t30
            u[13 * pairs + pair] = 0.5 * (t30 + t31 + t32)
            u[14 * pairs + pair] = 0.5 * (t30 - t31 + t32)
            u[15 * pairs + pair] = t32
        }
    }
    return u
}

/// Winograd convolution of one image `x` (Cin×H×W) into `out` (Cout×H×W); `out` already holds
/// the bias (or zeros).
func winogradConvolve(
    _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
    _ g: ConvGeometry, transformedWeights u: UnsafePointer<Float>
) {
    let h = g.height, w = g.width, cin = g.inChannels, cout = g.outChannels
    let tilesH = (h + 1) / 2, tilesW = (w + 1) / 2
    // Tile rows per band: V and M together hold at most ~16 M floats.
    let bandTileRows = Swift.max(1, Swift.min(tilesH, (16 << 20) / Swift.max(16 * (cin + cout) * tilesW, 1)))
    let maxTiles = bandTileRows * tilesW
    Engine.countFlops(2 * cout * cin * 9 * h * w)  // the direct method's count, for comparable GFLOP/s
    Scratch.with(count: 16 * (cin + cout) * maxTiles) { scratch in
        let v = scratch, m = scratch + 16 * cin * maxTiles
        var ty0 = 0
        while ty0 < tilesH {
            let ty1 = Swift.min(tilesH, ty0 + bandTileRows)
            let tiles = (ty1 - ty0) * tilesW
            // V = Bᵀ·d·B for every input channel and tile.
            parallelRanges(cin, costPerItem: tiles * 64) { channels in
                for c in channels {
                    let plane = x + c * h * w
                    for ty in ty0..<ty1 {
                        for tx in 0..<tilesW {
                            let y0 = 2 * ty - 1, x0 = 2 * tx - 1
                            let interior = y0 >= 0 && y0 + 3 < h && x0 >= 0 && x0 + 3 < w
                            let origin = plane + y0 * w + x0
                            @inline(__always) func at(_ i: Int, _ j: Int) -> Float {
                                if interior { return origin[i * w + j] }
                                let iy = y0 + i, ix = x0 + j
                                return (iy >= 0 && iy < h && ix >= 0 && ix < w) ? plane[iy * w + ix] : 0
                            }
                            let d00 = at(0, 0), d01 = at(0, 1), d02 = at(0, 2), d03 = at(0, 3)
                            let d10 = at(1, 0), d11 = at(1, 1), d12 = at(1, 2), d13 = at(1, 3)
                            let d20 = at(2, 0), d21 = at(2, 1), d22 = at(2, 2), d23 = at(2, 3)
                            let d30 = at(3, 0), d31 = at(3, 1), d32 = at(3, 2), d33 = at(3, 3)
                            // Bᵀ·d (rows), then ·B (columns).
                            let r00 = d00 - d20, r10 = d10 + d20, r20 = d20 - d10, r30 = d10 - d30
                            let r01 = d01 - d21, r11 = d11 + d21, r21 = d21 - d11, r31 = d11 - d31
                            let r02 = d02 - d22, r12 = d12 + d22, r22 = d22 - d12, r32 = d12 - d32
                            let r03 = d03 - d23, r13 = d13 + d23, r23 = d23 - d13, r33 = d13 - d33
                            let base = c * tiles + (ty - ty0) * tilesW + tx, stride = cin * tiles
                            v[0 * stride + base] = r00 - r02
                            v[1 * stride + base] = r01 + r02
                            v[2 * stride + base] = r02 - r01
                            v[3 * stride + base] = r01 - r03
                            v[4 * stride + base] = r10 - r12
                            v[5 * stride + base] = r11 + r12
                            v[6 * stride + base] = r12 - r11
                            v[7 * stride + base] = r11 - r13
                            v[8 * stride + base] = r20 - r22
                            v[9 * stride + base] = r21 + r22
                            v[10 * stride + base] = r22 - r21
                            v[11 * stride + base] = r21 - r23
                            v[12 * stride + base] = r30 - r32
                            v[13 * stride + base] = r31 + r32
                            v[14 * stride + base] = r32 - r31
                            v[15 * stride + base] = r31 - r33
                        }
                    }
                }
            }
            // M[ξ] = U[ξ]·V[ξ] for the 16 positions ξ.
            // One pool item per position, each a single-threaded product.
            concurrentPerform(iterations: 16) { xi in
                sgemm(m: cout, n: tiles, k: cin, a: u + xi * cout * cin, lda: cin,
                      b: v + xi * cin * tiles, ldb: tiles, c: m + xi * cout * tiles, ldc: tiles, counted: false)
            }
            // Y = Aᵀ·M·A, 2×2 per tile, added to the output (which holds the bias).
            parallelRanges(cout, costPerItem: tiles * 32) { channels in
                for o in channels {
                    let plane = out + o * h * w
                    for tile in 0..<tiles {
                        let ty = ty0 + tile / tilesW, tx = tile % tilesW
                        let stride = cout * tiles, base = o * tiles + tile
                        let m00 = m[0 * stride + base], m01 = m[1 * stride + base], m02 = m[2 * stride + base], m03 = m[3 * stride + base]
                        let m10 = m[4 * stride + base], m11 = m[5 * stride + base], m12 = m[6 * stride + base], m13 = m[7 * stride + base]
                        let m20 = m[8 * stride + base], m21 = m[9 * stride + base], m22 = m[10 * stride + base], m23 = m[11 * stride + base]
                        let m30 = m[12 * stride + base], m31 = m[13 * stride + base], m32 = m[14 * stride + base], m33 = m[15 * stride + base]
                        // Aᵀ·M (rows), then ·A (columns).
                        let s00 = m00 + m10 + m20, s10 = m10 - m20 - m30
                        let s01 = m01 + m11 + m21, s11 = m11 - m21 - m31
                        let s02 = m02 + m12 + m22, s12 = m12 - m22 - m32
                        let s03 = m03 + m13 + m23, s13 = m13 - m23 - m33
                        let oy = 2 * ty, ox = 2 * tx
                        let row0 = plane + oy * w
                        row0[ox] += s00 + s01 + s02
                        if ox + 1 < w { row0[ox + 1] += s01 - s02 - s03 }
                        if oy + 1 < h {
                            let row1 = row0 + w
                            row1[ox] += s10 + s11 + s12
                            if ox + 1 < w { row1[ox + 1] += s11 - s12 - s13 }
                        }
                    }
                }
            }
            ty0 = ty1
        }
    }
}

/// Transformed weights for `winogradConvolve` (caller deallocates).
func winogradTransformedWeights(_ weight: Tensor) -> UnsafeMutablePointer<Float> {
    winogradWeights(weight.pointer, outChannels: weight.shape[0], inChannels: weight.shape[1])
}
