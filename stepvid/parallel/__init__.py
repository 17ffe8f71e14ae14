"""Multi-GPU inference: cfg-parallel x Ulysses sequence-parallel DiT, rank-0 text encoding broadcast to all
ranks, VAE decode split by chunks (see docs/multigpu.md).

``torchrun --nproc-per-node N -m stepvid generate ...`` or ``stepvid generate --gpus N ...``; from Python,
every rank calls :func:`load_parallel_pipeline` and then the pipeline as usual (rank 0 gets the video).
"""

from stepvid.parallel.inference import (
    BatchParallelDiT,
    BroadcastTextEncoder,
    ChunkParallelVAE,
    load_parallel_pipeline,
    parallel_pipeline_from_plan,
)
from stepvid.parallel.mesh import InferenceMesh, init_process, plan_mesh, torchrun_world

__all__ = [
    "BatchParallelDiT",
    "BroadcastTextEncoder",
    "ChunkParallelVAE",
    "InferenceMesh",
    "init_process",
    "load_parallel_pipeline",
    "parallel_pipeline_from_plan",
    "plan_mesh",
    "torchrun_world",
]
