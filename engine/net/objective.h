// The style-transfer objective (docs/design.md, "Numerical contract"): content, style and total
// variation losses of an image and their gradient, all on the Backend. Loss values land in
// device-resident slots; the host reads them only when it asks (read_losses).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/backend.h"
#include "engine/net/masked_gram.h"
#include "engine/net/network.h"
#include "engine/net/tiled_forward.h"

namespace nsrg {

struct ObjectiveWeights {
  float content = 5.0f;
  float style = 100.0f;
  float tv = 1e-3f;
  bool normalize_gradients = false;
};

struct LossValues {
  double total = 0, content = 0, style = 0, tv = 0;
};

// A region's style target at one layer ([[regions]]): its mask at the layer's resolution, the
// Gram it aims at, and the region's weight (the style weight times it weighs its term).
struct RegionStyleTarget {
  std::string layer;
  const LayerMask* mask = nullptr;
  const Tensor* target = nullptr;
  float weight = 1.0f;
};

class StyleObjective {
 public:
  // content_targets: layer -> features of the content image; style_targets: layer -> the
  // Gram target (possibly randomized); region_targets: the masked style terms of [[regions]]
  // (each region's masked Gram against its target). All must outlive the objective.
  StyleObjective(Backend& backend, Network& network, const ObjectiveWeights& weights,
                 const std::map<std::string, const Tensor*>& content_targets,
                 const std::map<std::string, const Tensor*>& style_targets,
                 const std::vector<RegionStyleTarget>& region_targets = {});

  // Losses at image x ([1,3,H,W] preprocessed) into the loss slots, gradient into grad.
  void evaluate(const Tensor& x, Tensor& grad);

  // Evaluates tile by tile from now on, with interiors of `tile_size` pixels (rounded down to
  // the network's total stride; 0: the whole image at once). The losses and the gradient are
  // the whole image's up to float32 summation order (docs/design.md, "Tiled evaluation");
  // with normalize_gradients a norm pass (one more forward per tile) finds each loss's
  // whole-image L1 norm first. Not with region terms (the configuration refuses [[regions]]
  // with tile_size).
  void set_tile_size(int tile_size);
  int tile_size() const { return tile_size_; }

  // The loss slots: content layers, then style layers, then region terms, then tv, then the
  // total.
  Tensor& loss_slots() { return losses_; }
  ScalarSlot total_slot() { return {&losses_, total_index_}; }
  // Reads the slots of the last evaluate() (waits for the device).
  LossValues read_losses();

  int last_layer() const { return last_layer_; }

 private:
  struct Term {
    int layer;
    const Tensor* target;
    int slot;
  };
  void evaluate_whole(const Tensor& x, Tensor& grad);
  // objective_tiled.cpp: pass 1 (the whole-image Grams from every tile's interior) and pass 2
  // (each tile's forward and backward from its interior's loss gradients).
  void evaluate_tiled(const Tensor& x, Tensor& grad);
  void accumulate_tile_grams(const Tensor& x);
  void add_tile_gradient(const Tile& tile, const Tensor& x, Tensor& grad);
  // normalize_gradients: every tile forward again, each term's interior gradient's L1 norm
  // summed into norms_, then each slot turned into the term's weight / (norm + epsilon).
  void accumulate_gradient_norms(const Tensor& x);
  // A content or style term's loss gradient at the tile's interior positions of its layer
  // (after a forward of the tile): the whole image's unweighted gradient there, in a view of
  // interior_grad_ (content: 2 (F - P) / N, adding the interior's loss to the term's slot when
  // add_loss; style: from the whole-image Gram gradient of style term `style_index`).
  Tensor interior_loss_gradient(const Tile& tile, const Term& term, bool style, size_t style_index,
                                bool add_loss);
  // visit(term, is_style, style_index) for each term at `layer` with interior positions.
  template <class Visit>
  void for_interior_terms(const Tile& tile, int layer, Visit visit);

  Backend& backend_;
  Network& network_;
  ObjectiveWeights weights_;
  struct RegionTerm {
    int layer;
    RegionStyleTarget target;
    int slot;
  };
  void add_style_gradient(const Term& term, Tensor& dy);
  void add_region_gradient(const RegionTerm& term, Tensor& dy);
  std::vector<Term> content_terms_, style_terms_;
  std::vector<RegionTerm> region_terms_;
  int tv_index_ = 0, total_index_ = 0;
  int last_layer_ = -1;
  Tensor losses_;
  Tensor scratch_features_, scratch_gram_, gram_, scratch_masked_;

  // Tiled evaluation: the tiles of the current image size, per style term its whole-image Gram
  // and that Gram's loss gradient, per loss slot its normalize_gradients factor, and the tiles'
  // scratch tensors.
  int tile_size_ = 0;
  std::unique_ptr<TiledForward> tiles_;
  std::vector<Tensor> whole_grams_, whole_dgrams_;
  Tensor norms_;
  Tensor tile_grad_, tile_slot_, interior_, interior_target_, interior_grad_;
};

}  // namespace nsrg
