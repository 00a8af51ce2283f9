namespace XvifSim.Host.Faults;

/// <summary>A fault's path pattern: literal characters, and <c>*</c> for any run of characters, / included.</summary>
internal static class PathPattern
{
    /// <summary>
    /// True if <paramref name="path"/> matches <paramref name="pattern"/>:
    /// the greedy wildcard match with one backtrack point (the last <c>*</c>
    /// seen), linear in practice and allocation-free.
    /// </summary>
    public static bool Matches(string pattern, string path)
    {
        int p = 0, s = 0, star = -1, resume = 0;
        while (s < path.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = s;
            }
            else if (p < pattern.Length && pattern[p] == path[s])
            {
                p++;
                s++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                s = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
