/**
 * .properties texts with what `java.util.Properties.load` makes of them: the unit test checks our reader
 * against `expected`, the integration test checks both against the JVM.
 */
export const propertiesCases: Record<string, { text: string; expected: Record<string, string> }> = {
  'comments and blank lines': {
    text: '# a comment\n! another\n\n   \nkey=value\n  # indented comment\n',
    expected: { key: 'value' },
  },
  'separators: =, : and whitespace, with spaces around': {
    text: 'a=1\nb : 2\nc 3\nd\t=\t4\ne   =  = 5\nf\ng=\n',
    expected: { a: '1', b: '2', c: '3', d: '4', e: '= 5', f: '', g: '' },
  },
  'escaped separators stay in the key': {
    text: 'cosmos\\:key\\=x = abc==\npath\\ with\\ spaces=/tmp/a b\n',
    expected: { 'cosmos:key=x': 'abc==', 'path with spaces': '/tmp/a b' },
  },
  'continuation lines drop the break and the next line’s indentation': {
    text: 'fruits = apple, banana, \\\n    pear, \\\n    cherry\nnext=1\n',
    expected: { fruits: 'apple, banana, pear, cherry', next: '1' },
  },
  'an even number of trailing backslashes does not continue': {
    text: 'dir=C:\\\\temp\\\\\nother=x\n',
    expected: { dir: 'C:\\temp\\', other: 'x' },
  },
  'a continued line may start with # and is not a comment': {
    text: 'k=a\\\n#b\n',
    expected: { k: 'a#b' },
  },
  'unicode escapes and control escapes': {
    text: 'name=caf\\u00e9 \\u2603\nmulti=line1\\nline2\\tend\nplain=\\q\n',
    expected: { name: 'café ☃', multi: 'line1\nline2\tend', plain: 'q' },
  },
  'CRLF and CR line ends; the last duplicate wins': {
    text: 'a=1\r\nb=2\rc=3\\\r\n  4\r\na=5',
    expected: { a: '5', b: '2', c: '34' },
  },
  'a trailing backslash at the end of the file is dropped': {
    text: 'last=value\\',
    expected: { last: 'value' },
  },
  'UTF-8 text and trailing whitespace kept in values': {
    text: 'greeting = grüß dich  \nkey==starts with equals\n',
    expected: { greeting: 'grüß dich  ', key: '=starts with equals' },
  },
};
