namespace XvifSim.Emulator.XenStore;

/// <summary>
/// A registered watch. <see cref="Path"/> is absolute (or an @ name);
/// <see cref="PrefixLength"/> is how much of an event path to cut so that a
/// watch set with a relative path reports relative paths (watch.c's
/// prefix_len). <see cref="Depth"/>, when set, limits matches to paths at
/// most that many components below <see cref="Path"/> (WATCHDEPTH).
/// The token is kept as raw bytes because clients may put anything in it.
/// </summary>
internal sealed record XsWatch(string Path, byte[] Token, int PrefixLength, int? Depth)
{
    /// <summary>
    /// watch.c's is_child: <paramref name="changed"/> equals Path or lies below
    /// it, component-wise (so /a does not match /ab); a watch on / matches all.
    /// </summary>
    public bool Covers(string changed)
    {
        if (Path == "/")
        {
            // C's is_child treats / as matching every name, @ names included.
            return !changed.StartsWith('/') || WithinDepth(changed.Length == 1 ? 0 : Components(changed.AsSpan(1)));
        }

        if (!changed.StartsWith(Path, StringComparison.Ordinal))
        {
            return false;
        }

        if (changed.Length == Path.Length)
        {
            return true;
        }

        return changed[Path.Length] == '/' && WithinDepth(Components(changed.AsSpan(Path.Length + 1)));
    }

    /// <summary>The event path this watch reports for <paramref name="changed"/>.</summary>
    public ReadOnlySpan<char> EventPath(string changed) => changed.AsSpan(PrefixLength);

    private bool WithinDepth(int components) => Depth is not int depth || components <= depth;

    private static int Components(ReadOnlySpan<char> relative) => relative.Count('/') + 1;
}
