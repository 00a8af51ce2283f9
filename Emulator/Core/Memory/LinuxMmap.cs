using System.ComponentModel;
using System.Runtime.InteropServices;

namespace XvifSim.Emulator.Memory;

/// <summary>mmap(2), madvise(2) and munmap(2) of Linux's C library, for <see cref="NativePageBlock"/>.</summary>
internal static partial class LinuxMmap
{
    // <sys/mman.h> on Linux (the same values on x86-64 and arm64); MapAnon is MAP_ANONYMOUS.
    private const int ProtRead = 0x1;
    private const int ProtWrite = 0x2;
    private const int MapPrivate = 0x02;
    private const int MapAnon = 0x20;
    private const int MapNoReserve = 0x4000;
    private const int MadvNoHugePage = 15;
    private static readonly nint MapFailed = -1;

    /// <summary>
    /// An anonymous private read-write mapping of <paramref name="bytes"/>:
    /// page-aligned, zero-filled on first touch, and with MAP_NORESERVE no
    /// swap is reserved for it, so a large guest's untouched RAM costs nothing.
    /// </summary>
    public static nint MapAnonymous(nuint bytes)
    {
        nint start = Mmap(0, bytes, ProtRead | ProtWrite, MapPrivate | MapAnon | MapNoReserve, -1, 0);
        if (start == MapFailed)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"mmap of {bytes} bytes of guest memory failed");
        }

        // Guests touch their RAM sparsely (rings, packet buffers): with
        // transparent huge pages set to "always", a first touch would make a
        // whole 2 MiB resident. A kernel without THP refuses the advice
        // (EINVAL), and then there is nothing to avoid, so the result is not checked.
        _ = Madvise(start, bytes, MadvNoHugePage);
        return start;
    }

    /// <summary>Removes a mapping <see cref="MapAnonymous"/> made.</summary>
    public static void Unmap(nint start, nuint bytes)
    {
        if (Munmap(start, bytes) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"munmap of {bytes} bytes of guest memory failed");
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint addr, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint addr, nuint length);
}
