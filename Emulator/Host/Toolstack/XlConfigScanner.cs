namespace XvifSim.Host.Toolstack;

/// <summary>
/// Reads the statements of an xl.cfg file, the part of xl.cfg(5)'s syntax
/// (libxlu's cfg grammar) that XvifSim uses: <c>KEY = VALUE</c> ended by a
/// newline or <c>;</c>, <c>#</c> comments to the end of the line, and blank
/// lines. A key is <c>[A-Za-z_][A-Za-z0-9_]*</c>. A value is "text" or
/// 'text' (no escapes and no newline inside), a decimal integer, or a list
/// <c>[ v, v, ... ]</c> of those that may span lines and end with a comma.
/// Not supported: <c>+=</c>, escapes, non-decimal numbers, nested lists.
///
/// No input makes it throw: each syntax error is recorded with its line and
/// the scanner resumes at the next statement, so one bad line hides nothing
/// after it. A list left open is closed at the next line that starts a new
/// setting.
/// </summary>
internal sealed class XlConfigScanner
{
    private readonly string _file;
    private readonly string _text;
    private readonly List<XlConfigDiagnostic> _errors;
    private int _pos;
    private int _line = 1;

    /// <summary>Set when a value gave up at the start of a new statement, which must not be skipped.</summary>
    private bool _resync;

    public XlConfigScanner(string file, string text, List<XlConfigDiagnostic> errors)
    {
        _file = file;
        _text = text;
        _errors = errors;
    }

    /// <summary>Every key that began a statement, well formed or not (so a bad line does not also read as a missing key).</summary>
    public HashSet<string> KeysSeen { get; } = new(StringComparer.Ordinal);

    private bool AtEnd => _pos >= _text.Length;

    public List<XlConfigSetting> ReadSettings()
    {
        var settings = new List<XlConfigSetting>();
        while (true)
        {
            SkipBlanks();
            if (AtEnd)
            {
                return settings;
            }

            char c = _text[_pos];
            if (c is '\n' or ';')
            {
                Advance();
            }
            else if (c == '#')
            {
                SkipComment();
            }
            else if (!IsKeyStart(c))
            {
                Error(_line, $"expected a key, found {Describe(c)}");
                SkipLine();
            }
            else if (ReadSetting() is XlConfigSetting setting)
            {
                settings.Add(setting);
            }
        }
    }

    private XlConfigSetting? ReadSetting()
    {
        int line = _line;
        int start = _pos;
        while (!AtEnd && IsKeyPart(_text[_pos]))
        {
            _pos++;
        }

        string key = _text[start.._pos];
        KeysSeen.Add(key);
        SkipBlanks();
        if (AtEnd || _text[_pos] != '=')
        {
            Error(line, $"{key}: expected '=' after the key, found {DescribeNext()}");
            SkipLine();
            return null;
        }

        Advance();
        SkipBlanks();
        XlConfigValue? value = ReadValue(key, inList: false);
        if (value is null)
        {
            if (!_resync)
            {
                SkipLine();
            }

            _resync = false;
            return null;
        }

        SkipBlanks();
        if (!AtEnd && _text[_pos] == '#')
        {
            SkipComment();
        }

        if (!AtEnd && _text[_pos] is not ('\n' or ';'))
        {
            Error(_line, $"{key}: unexpected {DescribeNext()} after the value");
            SkipLine();
            return null;
        }

        return new XlConfigSetting(key, value, line);
    }

    /// <summary>One value; on error, records it and returns null, leaving the position at or after the fault for the caller to recover.</summary>
    private XlConfigValue? ReadValue(string key, bool inList)
    {
        char c = AtEnd ? '\n' : _text[_pos];
        switch (c)
        {
            case '"' or '\'':
                return ReadString(key, c);
            case '[' when inList:
                Error(_line, $"{key}: lists cannot be nested");
                return null;
            case '[':
                return ReadList(key);
            case '\n' or ';' or '#' or ',' or ']':
                Error(_line, $"{key}: expected a value, found {DescribeNext()}");
                return null;
            default:
                return ReadBare(key);
        }
    }

    private XlConfigValue? ReadString(string key, char quote)
    {
        int line = _line;
        Advance();
        int start = _pos;
        while (!AtEnd && _text[_pos] != quote && _text[_pos] != '\n')
        {
            _pos++;
        }

        if (AtEnd || _text[_pos] != quote)
        {
            Error(line, $"{key}: unterminated string (no closing {quote})");
            return null;
        }

        string text = _text[start.._pos];
        Advance();
        return new XlConfigValue(XlConfigValueKind.String, text, line, []);
    }

    /// <summary>A bare word must be a decimal integer (an optional minus, then digits): xl.cfg(5) has no unquoted strings.</summary>
    private XlConfigValue? ReadBare(string key)
    {
        int start = _pos;
        while (!AtEnd && !IsDelimiter(_text[_pos]))
        {
            _pos++;
        }

        string word = _text[start.._pos];
        string digits = word.StartsWith('-') ? word[1..] : word;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            Error(_line, $"{key}: '{word}' is neither a number nor a quoted string");
            return null;
        }

        return new XlConfigValue(XlConfigValueKind.Number, word, _line, []);
    }

    private XlConfigValue? ReadList(string key)
    {
        int startLine = _line;
        Advance();
        var items = new List<XlConfigValue>();
        bool expectSeparator = false;
        while (true)
        {
            int before = _line;
            SkipSpaceAndComments();
            if (AtEnd || (_line != before && LooksLikeSetting()))
            {
                Error(startLine, Unterminated(key));
                _resync = !AtEnd;
                return null;
            }

            char c = _text[_pos];
            if (c == ']')
            {
                Advance();
                return new XlConfigValue(XlConfigValueKind.List, "", startLine, items);
            }

            if (expectSeparator)
            {
                if (c != ',')
                {
                    Error(_line, $"{key}: expected ',' or ']' in the list, found {DescribeNext()}");
                    return AbandonList(key, startLine);
                }

                Advance();
                expectSeparator = false;
                continue;
            }

            XlConfigValue? item = ReadValue(key, inList: true);
            if (item is null)
            {
                return AbandonList(key, startLine);
            }

            items.Add(item);
            expectSeparator = true;
        }
    }

    /// <summary>After an error inside a list: skips past its closing ']'; if there is none, says so and resumes at the next setting.</summary>
    private XlConfigValue? AbandonList(string key, int startLine)
    {
        int depth = 1;
        while (!AtEnd)
        {
            char c = _text[_pos];
            if (c is '"' or '\'')
            {
                SkipQuoted(c);
            }
            else if (c == '#')
            {
                SkipComment();
            }
            else
            {
                Advance();
                depth += c == '[' ? 1 : c == ']' ? -1 : 0;
                if (depth == 0)
                {
                    return null;
                }

                if (c == '\n' && LooksLikeSetting())
                {
                    break;
                }
            }
        }

        Error(startLine, Unterminated(key));
        _resync = !AtEnd;
        return null;
    }

    private static string Unterminated(string key) => $"{key}: unterminated list (no closing ])";

    /// <summary>True if the rest of this line starts with <c>key =</c>, which no list item can.</summary>
    private bool LooksLikeSetting()
    {
        int p = _pos;
        while (p < _text.Length && IsBlank(_text[p]))
        {
            p++;
        }

        if (p >= _text.Length || !IsKeyStart(_text[p]))
        {
            return false;
        }

        while (p < _text.Length && IsKeyPart(_text[p]))
        {
            p++;
        }

        while (p < _text.Length && IsBlank(_text[p]))
        {
            p++;
        }

        return p < _text.Length && _text[p] == '=';
    }

    private void SkipQuoted(char quote)
    {
        Advance();
        while (!AtEnd && _text[_pos] != '\n')
        {
            if (_text[_pos++] == quote)
            {
                return;
            }
        }
    }

    private void SkipBlanks()
    {
        while (!AtEnd && IsBlank(_text[_pos]))
        {
            _pos++;
        }
    }

    private void SkipSpaceAndComments()
    {
        while (!AtEnd)
        {
            char c = _text[_pos];
            if (c == '#')
            {
                SkipComment();
            }
            else if (c == '\n' || IsBlank(c))
            {
                Advance();
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>To the end of the line, leaving the newline to be read.</summary>
    private void SkipComment()
    {
        while (!AtEnd && _text[_pos] != '\n')
        {
            _pos++;
        }
    }

    /// <summary>To the start of the next line.</summary>
    private void SkipLine()
    {
        SkipComment();
        if (!AtEnd)
        {
            Advance();
        }
    }

    private void Advance()
    {
        if (_text[_pos] == '\n')
        {
            _line++;
        }

        _pos++;
    }

    private void Error(int line, string message) => _errors.Add(new XlConfigDiagnostic(_file, line, message));

    private string DescribeNext() => AtEnd ? "end of file" : Describe(_text[_pos]);

    private static string Describe(char c) => c == '\n' ? "end of line" : char.IsControl(c) ? $"character 0x{(int)c:x2}" : $"'{c}'";

    private static bool IsBlank(char c) => c != '\n' && char.IsWhiteSpace(c);

    private static bool IsKeyStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsKeyPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsDelimiter(char c) => char.IsWhiteSpace(c) || c is ',' or '[' or ']' or ';' or '#' or '"' or '\'';
}
