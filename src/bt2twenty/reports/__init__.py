"""Documents a person reads: verification reports, spot-check sheets and hand-over documents."""
