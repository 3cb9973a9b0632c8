/// Direct (loop-by-loop, Double) implementations of the heavy ops, to check the fast kernels.
@testable import LucidTensor

enum Reference {
    static func conv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: Int, padding p: Padding2D) -> [Float] {
        let (n, ci, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (co, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let oh = (h + p.top + p.bottom - kh) / stride + 1, ow = (wd + p.left + p.right - kw) / stride + 1
        let xs = x.scalars, ws = w.scalars, bs = b?.scalars
        var out = [Float](repeating: 0, count: n * co * oh * ow)
        for b0 in 0..<n { for o in 0..<co { for y in 0..<oh { for xx in 0..<ow {
            var s = Double(bs?[o] ?? 0)
            for c in 0..<ci { for i in 0..<kh { for j in 0..<kw {
                let iy = y * stride - p.top + i, ix = xx * stride - p.left + j
                if iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
                s += Double(xs[((b0 * ci + c) * h + iy) * wd + ix]) * Double(ws[((o * ci + c) * kh + i) * kw + j])
            } } }
            out[((b0 * co + o) * oh + y) * ow + xx] = Float(s)
        } } } }
        return out
    }

    /// softmax(q·kᵀ·scale)·v per batch and head, heads interleaved in the last axis.
    static func attention(_ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int, causal: Bool) -> [Float] {
        let (bn, lq, lk) = (q.shape[0], q.shape[1], k.shape[1])
        let d = q.shape[2] / heads, dv = v.shape[2] / heads
        let qs = q.scalars, ks = k.scalars, vs = v.scalars
        var out = [Float](repeating: 0, count: bn * lq * heads * dv)
        let scale = 1 / Double(d).squareRoot()
        for b in 0..<bn { for h in 0..<heads { for i in 0..<lq {
            var scores = [Double](repeating: -.infinity, count: lk)
            for j in 0..<lk where !(causal && j > i) {
                var s = 0.0
                for t in 0..<d { s += Double(qs[(b * lq + i) * heads * d + h * d + t]) * Double(ks[(b * lk + j) * heads * d + h * d + t]) }
                scores[j] = s * scale
            }
            let m = scores.max()!
            let e = scores.map { Foundation.exp($0 - m) }
            let z = e.reduce(0, +)
            for t in 0..<dv {
                var s = 0.0
                for j in 0..<lk { s += e[j] / z * Double(vs[(b * lk + j) * heads * dv + h * dv + t]) }
                out[(b * lq + i) * heads * dv + h * dv + t] = Float(s)
            }
        } } }
        return out
    }

    static func groupNorm(_ x: Tensor, groups: Int, _ w: Tensor, _ b: Tensor, eps: Double) -> [Float] {
        let n = x.shape[0], c = x.shape[1], sp = x.count / (n * c), per = c / groups
        let xs = x.scalars, ws = w.scalars, bs = b.scalars
        var out = [Float](repeating: 0, count: x.count)
        for b0 in 0..<n { for g in 0..<groups {
            let base = (b0 * c + g * per) * sp
            let vals = (0..<(per * sp)).map { Double(xs[base + $0]) }
            let mean = vals.reduce(0, +) / Double(vals.count)
            let varc = vals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(vals.count)
            for i in 0..<(per * sp) {
                let ch = g * per + i / sp
                out[base + i] = Float((vals[i] - mean) / (varc + eps).squareRoot() * Double(ws[ch]) + Double(bs[ch]))
            }
        } }
        return out
    }
}

import Foundation
