/// The editing and content energies of drag guidance (method.md §2, step 2; after DragonDiffusion,
/// Mou et al., ICLR 2024), with sim(a, b) = (cos(a, b) + 1)/2 over channels:
///
///     E_edit    = mean over layers l, pairs k of [ w_e / (1 + 4·mean sim(F_cur[m_g], F_ref[m_h]))
///                                                 + w_i · mean sim(F_cur[m_h∖m_g], F_ref[m_h∖m_g]) ]
///     E_content = mean over l of w_c / (1 + 4·mean sim(F_cur[m_out], F_ref[m_out]))
///
/// Both are returned times λ, as tape-recorded scalars whose gradients guide the latent.
import LucidTensor

/// The two energies of one drag for given features.
public struct EditingEnergy {
    public let geometry: DragGeometry
    public let editWeight: Float, contentWeight: Float, inpaintWeight: Float, scale: Float

    /// The inpainting term (w_i) is off when the sampler starts from the warped latent: the warp has
    /// already put what lay behind the handles in their place (see `EditingOptions.inpaintWeight`).
    public init(geometry: DragGeometry, options: EditingOptions) {
        self.geometry = geometry
        editWeight = options.editWeight
        contentWeight = options.contentWeight
        inpaintWeight = geometry.startsWarped(options) ? 0 : options.inpaintWeight
        scale = options.energyScale
    }

    /// λ·E_edit for current and reference features (one `[1, C, H, W]` per layer).
    public func edit(current: [Tensor], reference: [Tensor]) throws -> Tensor {
        var total = Tensor(scalar: 0)
        for (cur, ref) in zip(current, reference) {
            for (cells, vacated) in zip(geometry.featureCells, geometry.vacated) {
                let handleReference = try window(ref, at: cells.handle)
                let matched = try similarity(window(cur, at: cells.target), handleReference).mean()
                total = try total + reciprocal(weight: editWeight, of: matched)
                if vacated.count > 0 && inpaintWeight != 0 {
                    let left = try (similarity(window(cur, at: cells.handle), handleReference) * vacated.mask).sum()
                    total = try total + left * (inpaintWeight / Float(vacated.count))
                }
            }
        }
        return total * (scale / Float(current.count * geometry.featureCells.count))
    }

    /// λ·E_content, or nil when nothing lies outside the mask.
    public func content(current: [Tensor], reference: [Tensor]) throws -> Tensor? {
        guard geometry.outsideCount > 0, contentWeight != 0 else { return nil }
        let outside = try geometry.outsideMask.reshaped([1, geometry.outsideMask.shape[2], geometry.outsideMask.shape[3]])
        var total = Tensor(scalar: 0)
        for (cur, ref) in zip(current, reference) {
            let kept = try (similarity(cur, ref) * outside).sum() * (1 / Float(geometry.outsideCount))
            total = try total + reciprocal(weight: contentWeight, of: kept)
        }
        return total * (scale / Float(current.count))
    }

    /// (cos(a, b) + 1)/2 over the channel axis: `[1, H, W]`.
    private func similarity(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try cosineSimilarity(a, b, axis: 1) * 0.5 + 0.5
    }

    /// w / (1 + 4·s).
    private func reciprocal(weight: Float, of s: Tensor) throws -> Tensor {
        try Tensor(scalar: weight) / (s * 4 + 1)
    }

    /// The window × window block of `x` centred on `cell`.
    private func window(_ x: Tensor, at cell: GridCell) throws -> Tensor {
        let r = geometry.window / 2
        return try x.narrowed(axis: 2, start: cell.row - r, length: geometry.window)
            .narrowed(axis: 3, start: cell.column - r, length: geometry.window)
    }
}
