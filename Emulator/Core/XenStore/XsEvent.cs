using System.Collections.Immutable;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// A change that fires watches. <see cref="Exact"/> events (descendants
/// removed by RM, special @ events) reach only watches set on exactly that
/// path; the others reach watches on the path and its ancestors.
/// The permissions are captured when the change is made, because a removed
/// node can no longer be looked up: a watcher is told if it could read the
/// node before (<see cref="OldPerms"/>, for SET_PERMS) or after the change,
/// or its parent (watch.c's watch_permitted). Absent ones are default.
/// </summary>
internal readonly record struct XsEvent(
    string Path,
    bool Exact,
    ImmutableArray<XsPermission> NodePerms,
    ImmutableArray<XsPermission> ParentPerms,
    ImmutableArray<XsPermission> OldPerms);
