"""netpoldiff: what a change does to who-can-talk-to-whom in a Kubernetes cluster."""

__version__ = "0.1.0"
