using System.Runtime.InteropServices;

namespace XvifSim.Tests.Core.Memory;

/// <summary>mincore(2): which pages of a mapping are resident, to show that untouched guest RAM costs nothing.</summary>
internal static class LinuxMincore
{
    /// <summary>How many of the <paramref name="pages"/> 4096-byte pages from <paramref name="start"/> are resident.</summary>
    public static int ResidentPages(nint start, int pages)
    {
        byte[] vector = new byte[pages];
        if (Mincore(start, (nuint)pages * 4096, vector) != 0)
        {
            throw new InvalidOperationException($"mincore failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return vector.Count(b => (b & 1) != 0);
    }

    [DllImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static extern int Mincore(nint addr, nuint length, [Out] byte[] vec);
}
