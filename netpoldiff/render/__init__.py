"""Rendering: Kustomize overlays and Helm charts turned into the manifests they apply."""
