"""Hidden cases of the ConvolutionalNetworks notebook's items (see __init__.py)."""
from ..bank.cn_items import conv_case, pool_case
from ..bank.items import Case

TRAIN = {"mode": "train"}

HIDDEN = {
    "cn.conv_forward_naive": (conv_case("h1", 701, (3, 1, 6, 6), (2, 1, 5, 5), 1, 2),
                              conv_case("h2", 702, (1, 2, 9, 7), (3, 2, 3, 1), 3, 0)),
    "cn.conv_backward_naive": (conv_case("h1", 711, (3, 1, 6, 6), (2, 1, 5, 5), 1, 2, backward=True),
                               conv_case("h2", 712, (1, 2, 9, 7), (3, 2, 3, 1), 3, 0, backward=True)),
    "cn.max_pool_forward_naive": (pool_case("h1", 721, (2, 2, 6, 6), 3, 3, 3, ties=True),
                                  pool_case("h2", 722, (1, 3, 5, 4), 1, 2, 1)),
    "cn.max_pool_backward_naive": (pool_case("h1", 731, (2, 2, 6, 6), 3, 3, 3, ties=True, backward=True),
                                   pool_case("h2", 732, (1, 3, 5, 5), 3, 2, 1, ties=True, backward=True)),
    "cn.spatial_batchnorm_forward": (Case("h1", seed=741, N=4, C=2, H=2, W=3, stats=True,
                                          state={"mode": "train", "momentum": 0.5, "eps": 0.2}),
                                     Case("h2", seed=742, N=3, C=5, H=1, W=2, stats=True, state={"mode": "test"})),
    "cn.spatial_batchnorm_backward": (Case("h1", seed=751, N=4, C=2, H=2, W=3, backward=True, state=TRAIN),
                                      Case("h2", seed=752, N=2, C=5, H=1, W=3, backward=True, state=TRAIN)),
    "cn.spatial_groupnorm_forward": (Case("h1", seed=761, N=3, C=8, H=2, W=2, per_channel_shape=True, args={"G": 4},
                                          state=TRAIN),
                                     Case("h2", seed=762, N=1, C=6, H=3, W=3, per_channel_shape=True, args={"G": 3},
                                          state={"mode": "train", "eps": 0.3})),
    "cn.spatial_groupnorm_backward": (Case("h1", seed=771, N=3, C=8, H=2, W=2, per_channel_shape=True,
                                           args={"G": 4}, backward=True, state=TRAIN),
                                      Case("h2", seed=772, N=2, C=6, H=1, W=3, per_channel_shape=True,
                                           args={"G": 2}, backward=True, state={"mode": "train", "eps": 0.3})),
    "cn.convnet_init": (Case("h1", input_dim=[2, 4, 6], num_filters=3, filter_size=1, hidden_dim=6, num_classes=4,
                             weight_scale=0.2, model_seed=7),),
    "cn.convnet_loss": (Case("h1", seed=781, input_dim=[2, 6, 4], num_filters=2, filter_size=3, hidden_dim=3,
                             num_classes=5, N=3, reg=0.25),
                        Case("h2", seed=782, input_dim=[1, 2, 4], num_filters=3, filter_size=1, hidden_dim=4,
                             num_classes=2, N=2, labels=False)),
}
