"""TF1's tf.train.replica_device_setter and tf.train.ClusterSpec. graphc runs every node
on one CPU with numpy, but it records each node's device string (Operation.device) and
exports it: the strings here are TF1's, so a graph built for a parameter-server cluster
carries the same placements it would in TF1.

    with gc.device(gc.train.replica_device_setter(ps_tasks=2)):
        w = gc.Variable(...)        # device '/job:ps/task:0'; the next one '/job:ps/task:1'
        y = gc.matmul(x, w)         # device '/job:worker'
"""
from ..device_spec import parse as _parse, to_string as _to_string
from ..tf_logging import get_logger

__all__ = ["replica_device_setter", "ClusterSpec", "ClusterDef", "STANDARD_PS_OPS"]

# the op types TF1 places on parameter servers
STANDARD_PS_OPS = ("Variable", "VariableV2", "AutoReloadVariable", "MutableHashTable",
                   "MutableHashTableV2", "MutableHashTableOfTensors",
                   "MutableHashTableOfTensorsV2", "MutableDenseHashTable",
                   "MutableDenseHashTableV2", "VarHandleOp",
                   "BoostedTreesEnsembleResourceHandleOp",
                   "BoostedTreesQuantileStreamResourceHandleOp",
                   "ResourceConditionalAccumulator", "DecisionTreeResource")

class _ReplicaDeviceChooser:
    """The device function replica_device_setter returns (TF1's)."""

    def __init__(self, ps_tasks, ps_device, worker_device, merge_devices, ps_ops,
                 ps_strategy):
        self._ps_tasks, self._ps_device = ps_tasks, ps_device
        self._worker_device, self._merge_devices = worker_device, merge_devices
        self._ps_ops, self._ps_strategy = ps_ops, ps_strategy

    def device_function(self, op):
        """The device string for `op` (a gc.Operation): its ps device for a ps op type
        (the task chosen by ps_strategy unless op's own device names another job), else
        the worker device; the device op already has overrides either field by field."""
        if not self._merge_devices and op.device:
            return op.device
        current = _parse(op.device)
        if self._ps_tasks and self._ps_device and op.type in self._ps_ops:
            ps = _parse(self._ps_device)
            if ps.get("job") and current.get("job") in (None, ps["job"]):
                ps["task"] = self._ps_strategy(op)
            return _to_string({**ps, **current})
        return _to_string({**_parse(self._worker_device or ""), **current})


class _RoundRobinStrategy:
    """ps task 0, 1, ..., ps_tasks - 1, 0, ... in the order ps ops are built."""

    def __init__(self, num_tasks):
        self._num_tasks = num_tasks
        self._next_task = 0

    def __call__(self, unused_op):
        task = self._next_task
        self._next_task = (self._next_task + 1) % self._num_tasks
        return task


def replica_device_setter(ps_tasks=0, ps_device="/job:ps", worker_device="/job:worker",
                          merge_devices=True, cluster=None, ps_ops=None, ps_strategy=None):
    """A device function for gc.device placing variables on parameter servers in turn
    and every other op on the worker (TF1); None when there is no ps task.

        with gc.device(gc.train.replica_device_setter(
                cluster={"ps": ["ps0:2222", "ps1:2222"], "worker": ["w0:2222"]})):
            v = gc.Variable(1.0)        # '/job:ps/task:0'

    With `cluster` (a dict or ClusterSpec), ps_tasks is the number of tasks of
    ps_device's job there. ps_ops: the op types to place on ps (STANDARD_PS_OPS);
    ps_strategy(op) -> task index (round robin).
    """
    if cluster is not None:
        spec = cluster.as_dict() if isinstance(cluster, ClusterSpec) else \
            ClusterSpec(cluster).as_dict()
        ps_job = _parse(ps_device).get("job")
        if ps_job not in spec or spec[ps_job] is None:
            return None
        ps_tasks = len(spec[ps_job])
    if ps_tasks == 0:
        return None
    if ps_ops is None:
        ps_ops = list(STANDARD_PS_OPS)
    if not merge_devices:
        get_logger().warning("DEPRECATION: It is recommended to set merge_devices=true in "
                             "replica_device_setter")
    if ps_strategy is None:
        ps_strategy = _RoundRobinStrategy(ps_tasks)
    if not callable(ps_strategy):
        raise TypeError("ps_strategy must be callable")
    chooser = _ReplicaDeviceChooser(ps_tasks, ps_device, worker_device, merge_devices,
                                    ps_ops, ps_strategy)
    return chooser.device_function


class ClusterDef:
    """A plain stand-in for TF's ClusterDef protobuf: `job`, a list of JobDefs (name,
    tasks: {index: address}), sorted by name. str() is the protobuf text format."""

    class JobDef:
        def __init__(self, name, tasks):
            self.name, self.tasks = name, dict(sorted(tasks.items()))

        def __eq__(self, other):
            return isinstance(other, ClusterDef.JobDef) and \
                (self.name, self.tasks) == (other.name, other.tasks)

    def __init__(self, jobs=()):
        self.job = list(jobs)

    def __eq__(self, other):
        return isinstance(other, ClusterDef) and self.job == other.job

    def __str__(self):
        lines = []
        for j in self.job:
            lines += ["job {", f'  name: "{j.name}"']
            for i, address in j.tasks.items():
                lines += ["  tasks {", f"    key: {i}", f'    value: "{address}"', "  }"]
            lines.append("}")
        return "\n".join(lines) + "\n" if lines else ""


class ClusterSpec:
    """The jobs of a cluster and the addresses of their tasks (TF1 tf.train.ClusterSpec).

        cs = gc.train.ClusterSpec({"ps": ["ps0:2222"], "worker": {1: "w1:2222"}})
        cs.jobs                 # ['ps', 'worker']
        cs.as_dict()            # {'ps': ['ps0:2222'], 'worker': {1: 'w1:2222'}}
    """

    def __init__(self, cluster):
        if isinstance(cluster, dict):
            self._cluster_spec = {}
            for job_name, tasks in cluster.items():
                if isinstance(tasks, (list, tuple)):
                    self._cluster_spec[job_name] = dict(enumerate(tasks))
                elif isinstance(tasks, dict):
                    self._cluster_spec[job_name] = {int(i): t for i, t in tasks.items()}
                else:
                    raise TypeError(f"The tasks for job {job_name!r} must be a list or a "
                                    "dictionary from integers to strings.")
        elif isinstance(cluster, (ClusterSpec, ClusterDef)):
            cdef = cluster.as_cluster_def() if isinstance(cluster, ClusterSpec) else cluster
            self._cluster_spec = {j.name: dict(j.tasks) for j in cdef.job}
        else:
            raise TypeError("`cluster` must be a dictionary mapping one or more job names "
                            "to lists of network addresses, or a `ClusterDef` protocol "
                            "buffer")
        for job_name, tasks in self._cluster_spec.items():
            if not isinstance(job_name, (str, bytes)):
                raise TypeError(f"Job name {job_name!r} must be bytes or unicode")
            for address in tasks.values():
                if not isinstance(address, (str, bytes)):
                    raise TypeError(f"Task address {address!r} must be bytes or unicode")

    def __bool__(self):
        return bool(self._cluster_spec)

    def __eq__(self, other):
        return self._cluster_spec == other

    def __ne__(self, other):
        return self._cluster_spec != other

    __hash__ = None

    def __repr__(self):
        d = self.as_dict()
        return "ClusterSpec({" + ", ".join(f"{k!r}: {d[k]!r}" for k in sorted(d)) + "})"

    def as_dict(self):
        """{job: [addresses]} where a job's task indices are 0..n-1, else
        {job: {index: address}}."""
        out = {}
        for job in self.jobs:
            indices = self.task_indices(job)
            if not indices:
                out[job] = {}
            elif max(indices) + 1 == len(indices):
                out[job] = self.job_tasks(job)
            else:
                out[job] = {i: self.task_address(job, i) for i in indices}
        return out

    def as_cluster_def(self):
        """The cluster as a ClusterDef (jobs sorted by name, tasks by index)."""
        return ClusterDef([ClusterDef.JobDef(_text(name), {i: _text(a) for i, a in
                                                           tasks.items()})
                           for name, tasks in sorted(self._cluster_spec.items())])

    @property
    def jobs(self):
        """The job names, in the order given."""
        return list(self._cluster_spec)

    def _job(self, job_name):
        try:
            return self._cluster_spec[job_name]
        except KeyError:
            raise ValueError(f"No such job in cluster: {job_name!r}") from None

    def num_tasks(self, job_name):
        """How many tasks job_name has."""
        return len(self._job(job_name))

    def task_indices(self, job_name):
        """The task indices of job_name, sorted."""
        return sorted(self._job(job_name))

    def task_address(self, job_name, task_index):
        """The address of task task_index of job_name."""
        job = self._job(job_name)
        try:
            return job[task_index]
        except KeyError:
            raise ValueError(f"No task with index {task_index!r} in job "
                             f"{job_name!r}") from None

    def job_tasks(self, job_name):
        """The addresses of job_name's tasks as a list indexed by task (None in gaps)."""
        job = self._job(job_name)
        out = [None] * (max(job) + 1 if job else 0)
        for i, address in job.items():
            out[i] = address
        return out


def _text(s):
    return s.decode() if isinstance(s, bytes) else s
