"""Where things live in the repository."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT = "nntrain"
PACKAGE = "nnkit"
SOURCE = ROOT / "assignments" / ASSIGNMENT
REFERENCE_PACKAGE = SOURCE / PACKAGE
RELEASE = ROOT / "release" / ASSIGNMENT
BANK = Path(__file__).resolve().parent / "bank"
HIDDEN_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hidden_fixtures"  # a stem: one .npz per notebook
HELDOUT = Path(__file__).resolve().parent / "fixtures" / "heldout.npz"
# dataset -> the split (never shipped) that scores saved models trained on it
HELDOUT_FILES = {"fashion_mnist": HELDOUT, "digits": HELDOUT.with_name("heldout_digits.npz")}
NOTEBOOKS = ("FullyConnectedNets", "BatchNormalization", "Dropout", "ConvolutionalNetworks", "TransferLearning")
# datasets/ files the notebooks read (shipped in the release), and the scripts that made them
DATA_FILES = ("fashion_mnist_subset.npz", "photos.npz", "mnist5k.npz", "digits8x8.npz", "zoo.json",
              "zoo_mnist5k-cnn.npz", "zoo_fashion-cnn.npz", "transfer_sweep.json")
DATA_SCRIPTS = ("README.md", "fetch_cifar10.py", "make_photos.py", "make_digit_sets.py", "pretrain.py",
                "transfer_sweep.py")
