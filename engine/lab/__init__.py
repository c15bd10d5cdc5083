"""The lab's by-hand views: one neuron and a 2-2-1 sigmoid network, every number computed here.

``activations`` (f and f' of linear, sigmoid, tanh, relu, leaky relu, binary step),
``neuron`` (z = sum w_i x_i + b, f(z), f'(z), the curve), ``net221`` (forward, loss, the
chain rule factor by factor, one SGD step, training on the people table, a prediction).
"""
