#!/usr/bin/env python3
"""Writes Sources/BinlogDecoding/Values/CharsetTables+Server.swift from a live MariaDB server: which character
set each collation id belongs to, and for every single-byte character set the Unicode scalar each byte converts
to (CONVERT(... USING utf8mb4)), where the conversion goes back to the same byte; and for the East Asian sets
decode converts with the C library's iconv, the one- and two-byte characters where iconv and the server disagree.

Usage: scripts/generate-charset-tables.py [mariadb client options...]   (e.g. -h127.0.0.1 -P33071 -utm -pPW)
The facts come from the server; the file is committed so the decoder needs no server.
"""
import ctypes
import os
import subprocess
import sys

CLIENT = ["mariadb", "-N", "-B"] + sys.argv[1:]
OUT = os.path.join(os.path.dirname(__file__), "..", "Sources", "BinlogDecoding", "Values", "CharsetTables+Server.swift")


def query(sql):
    out = subprocess.run(CLIENT + ["-e", sql, "mysql"], check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def collation_ranges():
    rows = query("SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY WHERE ID IS NOT NULL ORDER BY ID")
    ranges = []
    for ident, name in ((int(i), n) for i, n in rows):
        if ranges and ranges[-1][1] == ident - 1 and ranges[-1][2] == name:
            ranges[-1][1] = ident
        elif not (ranges and ranges[-1][0] <= ident <= ranges[-1][1]):
            ranges.append([ident, ident, name])
    return ranges


def single_byte_table(charset):
    byte = "UNHEX(LPAD(HEX(seq), 2, '0'))"
    text = f"CONVERT(CONVERT({byte} USING {charset}) USING utf8mb4)"
    rows = query(f"SELECT seq, HEX({text}), HEX(CAST(CONVERT({text} USING {charset}) AS BINARY)) "
                 "FROM seq_0_to_255 ORDER BY seq")
    table = []
    for seq, utf8_hex, back in rows:
        scalar = ord(bytes.fromhex(utf8_hex).decode("utf-8")) if utf8_hex else None
        lossless = scalar is not None and back == f"{int(seq):02X}" and (scalar != 0x3F or int(seq) == 0x3F)
        table.append(scalar if lossless else 0xFFFF)
    return table


# East Asian multi-byte sets decode converts with glibc iconv (under these names), except the characters where
# iconv and the server disagree, listed per set. Characters are split the way CharsetText does: a lead byte in
# `leads` starts a two-byte character.
ICONV_SETS = {"sjis": "SHIFT_JIS", "cp932": "CP932", "big5": "BIG5", "gbk": "GBK", "gb2312": "EUC-CN"}
LEADS = {"sjis": [(0x81, 0x9F), (0xE0, 0xFC)], "cp932": [(0x81, 0x9F), (0xE0, 0xFC)], "big5": [(0x81, 0xFE)],
         "gbk": [(0x81, 0xFE)], "gb2312": [(0x81, 0xFE)]}

LIBC = ctypes.CDLL("libc.so.6", use_errno=True)
LIBC.iconv_open.restype = ctypes.c_void_p
LIBC.iconv_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
LIBC.iconv.restype = ctypes.c_size_t
LIBC.iconv.argtypes = [ctypes.c_void_p] + [ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_size_t)] * 2
LIBC.iconv_close.argtypes = [ctypes.c_void_p]


def iconv_utf8(data, charset):
    handle = LIBC.iconv_open(b"UTF-8", charset.encode())
    source = ctypes.create_string_buffer(data, len(data))
    target = ctypes.create_string_buffer(64)
    source_pointer, source_left = ctypes.c_char_p(ctypes.addressof(source)), ctypes.c_size_t(len(data))
    target_pointer, target_left = ctypes.c_char_p(ctypes.addressof(target)), ctypes.c_size_t(64)
    result = LIBC.iconv(handle, ctypes.byref(source_pointer), ctypes.byref(source_left),
                        ctypes.byref(target_pointer), ctypes.byref(target_left))
    LIBC.iconv_close(handle)
    if result == ctypes.c_size_t(-1).value or source_left.value:
        return None
    return target.raw[:64 - target_left.value]


def iconv_disagreements(charset):
    """Characters (as numbers: byte, or lead << 8 | trail) iconv converts differently from the server, or converts
    where the server does not convert them both ways."""
    leads = [b for first, last in LEADS[charset] for b in range(first, last + 1)]
    is_lead = " OR ".join(f"a.seq BETWEEN {first} AND {last}" for first, last in LEADS[charset])
    byte = lambda column: f"LPAD(HEX({column}.seq), 2, '0')"
    text = f"CONVERT(CONVERT(UNHEX(h) USING {charset}) USING utf8mb4)"
    rows = query(f"SELECT h, HEX({text}), HEX(CAST(CONVERT({text} USING {charset}) AS BINARY)) FROM ("
                 f"SELECT {byte('a')} AS h FROM seq_0_to_255 a WHERE NOT ({is_lead}) UNION ALL "
                 f"SELECT CONCAT({byte('a')}, {byte('b')}) FROM seq_0_to_255 a, seq_0_to_255 b WHERE {is_lead}) codes")
    assert len(rows) == 256 - len(leads) + 256 * len(leads)
    different = []
    for hex_code, utf8_hex, back in rows:
        server = bytes.fromhex(utf8_hex) if back == hex_code and utf8_hex and (utf8_hex != "3F" or hex_code == "3F") else None
        converted = iconv_utf8(bytes.fromhex(hex_code), ICONV_SETS[charset])
        if converted is not None and converted != server:
            different.append(int(hex_code, 16))
    return different


def main():
    charsets = [name for name, in query("SELECT CHARACTER_SET_NAME FROM information_schema.CHARACTER_SETS WHERE MAXLEN = 1 "
                                         "AND CHARACTER_SET_NAME NOT IN ('binary', 'latin1') ORDER BY 1")]
    version = query("SELECT VERSION()")[0][0]
    lines = [f"// Generated by scripts/generate-charset-tables.py from {version}: do not edit.", "",
             "extension CharsetTables {",
             "    /// Collation ids the server lists, as (first id, last id, character set) runs.",
             "    static let serverCollations: [(UInt16, UInt16, String)] = ["]
    lines += [f"        ({a}, {b}, \"{n}\")," for a, b, n in collation_ranges()]
    tables = {charset: single_byte_table(charset) for charset in charsets}
    lines += ["    ]", "",
              "    /// Single-byte character sets: the bytes whose Unicode scalar is not the byte's own value, with their scalar.",
              "    static let singleByteDifferences: [String: [UInt8: UInt16]] = ["]
    for charset, table in tables.items():
        changed = [(byte, v) for byte, v in enumerate(table) if v != byte and v != 0xFFFF]
        lines.append(f"        \"{charset}\": [")
        for start in range(0, len(changed), 8):
            lines.append("            " + " ".join(f"0x{b:02X}: 0x{v:04X}," for b, v in changed[start:start + 8]))
        lines.append("        ]," if changed else "            :],")
    lines += ["    ]", "",
              "    /// Single-byte character sets: the bytes that do not convert to Unicode and back to themselves.",
              "    static let singleByteUnmapped: [String: [ClosedRange<UInt8>]] = ["]
    for charset, table in tables.items():
        runs = []
        for byte, v in enumerate(table):
            if v != 0xFFFF:
                continue
            if runs and runs[-1][1] == byte - 1:
                runs[-1][1] = byte
            else:
                runs.append([byte, byte])
        lines.append(f"        \"{charset}\": [" + ", ".join(f"0x{a:02X}...0x{b:02X}" for a, b in runs) + "],")
    lines += ["    ]", "",
              "    /// East Asian sets converted with iconv: the characters where iconv and the server disagree.",
              "    static let iconvDisagreements: [String: Set<UInt16>] = ["]
    for charset in ICONV_SETS:
        different = iconv_disagreements(charset)
        lines.append(f"        \"{charset}\": [")
        for start in range(0, len(different), 12):
            lines.append("            " + " ".join(f"0x{code:04X}," for code in different[start:start + 12]))
        lines.append("        ]," if different else "        ],")
    lines += ["    ]", "}", ""]
    with open(OUT, "w") as handle:
        handle.write("\n".join(lines))


main()
