#!/usr/bin/env python3
"""The README's control pictures (issue 24), with the VGG-16 ImageNet weights:

docs/images/regions_family_vgg16.png: two members of one randomized family painted region by
  region. A family of two variants of examples/default.toml's coffee-cup style
  (scale_eigenvectors, kept styles), then examples/regions.toml with the cat's face taking
  variant a (its kept style as `targets`) and the background variant b. From left: variant a
  on the whole picture, variant b on the whole picture, the two regions.
docs/images/scale_control_vgg16.png: examples/layer_sources.toml four ways: every style layer
  from the coffee cup, every one from the gravel, the example as written (coarse relu3_1..
  relu5_1 from the coffee cup, fine relu1_1 and relu2_1 from the gravel), and the swap.

Every render is an example config with only the model, the content layer, the size, the
steps, the output (and the sources or targets) given by --set or, for the regions, a copy of
examples/regions.toml with absolute paths and `targets` in place of `images`.

    /usr/bin/python3 bench/control_pictures.py [--engine build/nsrg-engine] [--model FILE]
        [--size 128] [--iterations 100] [--work out/control] [--images docs/images]
"""
import argparse
import glob
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from steering_pictures import strip  # noqa: E402  pylint: disable=wrong-import-position
sys.path.insert(0, os.path.join(ROOT, "bench", "peer"))
from png_io import write_png  # noqa: E402  pylint: disable=wrong-import-position

EXAMPLES = os.path.join(ROOT, "examples")
IMAGES = os.path.join(EXAMPLES, "images")
COFFEE = f'["{IMAGES}/coffee.png"]'
GRAVEL = f'["{IMAGES}/gravel.png"]'
STYLE_LAYERS = '["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]'


def render(args, config, output, *assignments):
    """One render of `config` with the common --set's and `assignments`."""
    command = [args.engine, config, "--set", "threads=2", "--set", f'model="{args.model}"',
               "--set", 'content.layers=["relu4_2"]', "--set", "content.weight=5",
               "--set", f"image_size={args.size}",
               "--set", f"optimizer.iterations={args.iterations}",
               "--set", f'output.path="{output}"']
    for assignment in assignments:
        command += ["--set", assignment]
    start = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    print(f"{os.path.basename(output)}: {time.monotonic() - start:.0f} s", flush=True)
    return output


def regions_of_a_family(args, work):
    family = os.path.join(work, "family")
    render(args, os.path.join(EXAMPLES, "default.toml"), os.path.join(family, "f{variant}.png"),
           f"style.layers={STYLE_LAYERS}", 'randomize.mode="scale_eigenvectors"',
           "randomize.variants=2", "output.save_targets=true", "output.contact_sheet=false")
    whole = sorted(glob.glob(os.path.join(family, "f?.png")))
    kept = sorted(glob.glob(os.path.join(family, "f?.style.safetensors")))
    if len(whole) != 2 or len(kept) != 2:
        sys.exit(f"expected two variants and two kept styles in {family}")
    with open(os.path.join(EXAMPLES, "regions.toml")) as example:
        text = example.read()
    text = text.replace('"images/', f'"{IMAGES}/')
    text = text.replace(f'images = ["{IMAGES}/coffee.png"]', f'targets = "{kept[0]}"')
    text = text.replace(f'images = ["{IMAGES}/hubble_deep_field.jpg"]', f'targets = "{kept[1]}"')
    text = text.replace("weight = 2.0\n", "")  # both members weigh the same
    config = os.path.join(work, "regions_family.toml")
    with open(config, "w") as out:
        out.write(text)
    regions = render(args, config, os.path.join(work, "regions_family.png"))
    write_png(os.path.join(args.images, "regions_family_vgg16.png"), strip(whole + [regions]))


def fine_from(images):
    """The two fine layers' sources: `images` for relu1_1 and relu2_1."""
    return f"{{ relu1_1 = {{ images = {images} }}, relu2_1 = {{ images = {images} }} }}"


def scale_control(args, work):
    renders = {
        "coffee": (COFFEE, "{}"),
        "gravel": (GRAVEL, "{}"),
        "coarse_coffee_fine_gravel": (COFFEE, fine_from(GRAVEL)),
        "coarse_gravel_fine_coffee": (GRAVEL, fine_from(COFFEE)),
    }
    outputs = [render(args, os.path.join(EXAMPLES, "layer_sources.toml"),
                      os.path.join(work, f"{name}.png"), f"style.images={images}",
                      f"style.layer_sources={sources}")
               for name, (images, sources) in renders.items()]
    write_png(os.path.join(args.images, "scale_control_vgg16.png"), strip(outputs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default=os.path.join(ROOT, "build", "nsrg-engine"))
    parser.add_argument("--model", default=os.path.join(
        os.path.dirname(ROOT), "shared", "weights", "vgg16_imagenet_conv.safetensors"))
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--work", default=os.path.join(ROOT, "out", "control"))
    parser.add_argument("--images", default=os.path.join(ROOT, "docs", "images"))
    args = parser.parse_args()
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    regions_of_a_family(args, work)
    scale_control(args, work)


if __name__ == "__main__":
    main()
