from .layers import affine_backward, affine_forward, relu_backward, relu_forward


def affine_relu_forward(x, w, b):
    a, c1 = affine_forward(x, w, b)
    out, c2 = relu_forward(a)
    return out, (c1, c2)


def affine_relu_backward(dout, cache):
    return affine_backward(relu_backward(dout, cache[1]), cache[0])
