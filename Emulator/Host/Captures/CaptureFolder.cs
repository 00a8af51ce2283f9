namespace XvifSim.Host.Captures;

/// <summary>
/// Readies &lt;out&gt;/&lt;scenario&gt;/ before a run writes into it, so the folder
/// holds the captures of this run only: it makes the folder, removes the
/// capture files (*.pcap, *.pcapng) an earlier run left there and nothing
/// else, and proves a file can be made in it. A folder that cannot be used
/// is an error value naming the path and the reason, never an exception, so
/// the caller can refuse the run before anything boots.
/// </summary>
internal static class CaptureFolder
{
    /// <summary>Whether <paramref name="fileName"/> is a file a capture session writes (and so one an earlier run may have left).</summary>
    public static bool IsCaptureFile(string fileName) =>
        fileName.EndsWith(".pcap", StringComparison.Ordinal) || fileName.EndsWith(".pcapng", StringComparison.Ordinal);

    /// <summary>Makes and empties of captures <c>Path.Combine(root, scenario)</c>.</summary>
    public static CaptureFolderResult Prepare(string root, string scenario)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(scenario);
        string directory = Path.Combine(root, scenario);
        try
        {
            Directory.CreateDirectory(directory);
            int removed = 0;
            var others = new List<string>();
            foreach (string entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileName(entry);
                if (IsCaptureFile(name) && File.Exists(entry))
                {
                    File.Delete(entry);
                    removed++;
                }
                else
                {
                    others.Add(name);
                }
            }

            // Root may write anywhere, so the folder's mode says little: make a file, as the run will.
            string probe = Path.Combine(directory, $".xvifsim-probe-{Environment.ProcessId}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return new CaptureFolderResult(directory, null, removed, others);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new CaptureFolderResult(directory, $"cannot use the capture folder {directory}: {e.Message}", 0, []);
        }
    }

    /// <summary>
    /// Frames in the classic pcap files of <paramref name="directory"/> (one
    /// record per frame per interface, what Wireshark lists), read from the
    /// record headers: 24 bytes of file header, then per record 16 bytes
    /// whose third word is the captured length (libpcap's pcap_pkthdr on
    /// disk). A file that cannot be read counts what it holds up to there.
    /// </summary>
    public static long CountFrames(string directory)
    {
        long frames = 0;
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        Span<byte> header = stackalloc byte[16];
        foreach (string file in Directory.EnumerateFiles(directory, "*.pcap"))
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                stream.Seek(24, SeekOrigin.Begin);
                while (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length)
                {
                    frames++;
                    stream.Seek(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header[8..]), SeekOrigin.Current);
                }
            }
            catch (IOException)
            {
                // Counted up to where it could be read.
            }
        }

        return frames;
    }
}
