"""Pretrain the model zoo's ConvNets with the kit's own layers (recipes: utils/zoo.py's ZOO).

Run: python datasets/pretrain.py mnist5k-cnn fashion-cnn        # writes datasets/zoo_<name>.npz + zoo.json
     python datasets/pretrain.py --check mnist5k-cnn            # retrain; compare with the manifest
     python datasets/pretrain.py cifar10-cnn                    # online users, after datasets/fetch_cifar10.py

Training is seeded (weights and minibatches), so a rerun reproduces the shipped accuracy; --check retrains
without writing and exits 1 if the test accuracy differs from the manifest's by more than --tolerance.
"""
import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "assignments" / "nntrain")]  # utils/ and nnkit/ (repo or release)

from utils import zoo  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+", choices=sorted(zoo.ZOO))
    parser.add_argument("--check", action="store_true", help="retrain and compare with the manifest; write nothing")
    parser.add_argument("--tolerance", type=float, default=0.01, help="allowed test-accuracy difference (--check)")
    parser.add_argument("--root", default=None, help="datasets folder (default: this script's)")
    args = parser.parse_args(argv)
    root = Path(args.root) if args.root else HERE
    manifest, failed = zoo.read_manifest(root), False
    for name in args.names:
        model, facts = zoo.pretrain(name, root=root, progress=False)
        print(f"{name}: test accuracy {facts['test_accuracy']:.4f}, val {facts['val_accuracy']:.4f}, "
              f"{facts['seconds']:.0f} s")
        if args.check:
            shipped = manifest.get(name, {}).get("test_accuracy")
            ok = shipped is not None and abs(facts["test_accuracy"] - shipped) <= args.tolerance
            failed |= not ok
            print(f"  manifest: {shipped}; {'reproduced' if ok else 'NOT reproduced'} (tolerance {args.tolerance})")
        else:
            entry = zoo.save_pretrained(name, model, facts, root=root)
            print(f"  wrote {entry['file']} ({entry['size_bytes']} bytes, sha256 {entry['weights_sha256'][:12]}...)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
