"""`python -m helpers`: get Fashion-MNIST if needed, verify every file and say where it is."""

from .fashion_mnist import load_fashion_mnist, raw_dir

dataset = load_fashion_mnist()
print(
    f"Fashion-MNIST OK ({dataset.source}): {tuple(dataset.train_images.shape)} train, "
    f"{tuple(dataset.test_images.shape)} test, in {raw_dir()}"
)
