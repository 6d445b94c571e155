"""Scale-out: NER + relations on Dask (`neurolit extract ... --engine dask`)."""
