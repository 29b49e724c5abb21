"""Band 1 of basic-python: very easy problems whose canonical body is one line.

Each entry is a dict with `prompt` (imports, signature and docstring), `solution` (the indented
body) and `tests` (the indented `assert candidate(...) == ...` lines of `check`).
`build_basic_python.py` turns these into HumanEval JSON lines.
"""

PROBLEMS = [
    dict(
        prompt='''from typing import List


def sum_list(values: List[int]) -> int:
    """Add up every number in values and return the total.
    An empty list totals 0.
    >>> sum_list([4, 5, 6])
    15
    """
''',
        solution='''    return sum(values)
''',
        tests='''    assert candidate([1, 2, 3]) == 6
    assert candidate([]) == 0
    assert candidate([-5, 5, 10]) == 10
    assert candidate([100]) == 100
''',
    ),
    dict(
        prompt='''def reverse_string(text: str) -> str:
    """Give back text with its characters in the opposite order.
    >>> reverse_string('spam')
    'maps'
    """
''',
        solution='''    return text[::-1]
''',
        tests='''    assert candidate('abc') == 'cba'
    assert candidate('') == ''
    assert candidate('x') == 'x'
    assert candidate('hello world') == 'dlrow olleh'
''',
    ),
    dict(
        prompt='''def max_of_two(a: int, b: int) -> int:
    """Pick the bigger one of the two integers a and b.
    >>> max_of_two(3, 9)
    9
    """
''',
        solution='''    return a if a > b else b
''',
        tests='''    assert candidate(1, 2) == 2
    assert candidate(7, -3) == 7
    assert candidate(4, 4) == 4
    assert candidate(-10, -20) == -10
''',
    ),
    dict(
        prompt='''def is_even(n: int) -> bool:
    """Tell whether the whole number n divides evenly by two.
    >>> is_even(10)
    True
    >>> is_even(7)
    False
    """
''',
        solution='''    return n % 2 == 0
''',
        tests='''    assert candidate(0) == True
    assert candidate(3) == False
    assert candidate(-4) == True
    assert candidate(101) == False
''',
    ),
    dict(
        prompt='''from typing import List


def first_element(items: List[int]) -> int:
    """Return the item at the front of a non-empty list.
    >>> first_element([8, 1, 2])
    8
    """
''',
        solution='''    return items[0]
''',
        tests='''    assert candidate([1, 2, 3]) == 1
    assert candidate([42]) == 42
    assert candidate([-7, 0]) == -7
''',
    ),
    dict(
        prompt='''from typing import List


def join_words(words: List[str]) -> str:
    """Glue the words together into one string with a single space between neighbours.
    >>> join_words(['good', 'morning'])
    'good morning'
    """
''',
        solution='''    return ' '.join(words)
''',
        tests='''    assert candidate(['a', 'b', 'c']) == 'a b c'
    assert candidate([]) == ''
    assert candidate(['solo']) == 'solo'
    assert candidate(['the', 'quick', 'fox']) == 'the quick fox'
''',
    ),
    dict(
        prompt='''from typing import List


def last_element(items: List[int]) -> int:
    """Return the item at the very end of a non-empty list.
    >>> last_element([3, 6, 9])
    9
    """
''',
        solution='''    return items[-1]
''',
        tests='''    assert candidate([1, 2, 3]) == 3
    assert candidate([5]) == 5
    assert candidate([0, -1, -2]) == -2
''',
    ),
    dict(
        prompt='''def square(x: int) -> int:
    """Multiply x by itself.
    >>> square(6)
    36
    """
''',
        solution='''    return x * x
''',
        tests='''    assert candidate(0) == 0
    assert candidate(3) == 9
    assert candidate(-4) == 16
    assert candidate(12) == 144
''',
    ),
    dict(
        prompt='''def to_upper(text: str) -> str:
    """Turn every letter of text into its capital form; other characters stay as they are.
    >>> to_upper('Hi there 2')
    'HI THERE 2'
    """
''',
        solution='''    return text.upper()
''',
        tests='''    assert candidate('abc') == 'ABC'
    assert candidate('') == ''
    assert candidate('MiXeD 42!') == 'MIXED 42!'
''',
    ),
    dict(
        prompt='''from typing import List


def list_length(items: List[int]) -> int:
    """Count how many items the list holds.
    >>> list_length([9, 9, 9, 9])
    4
    """
''',
        solution='''    return len(items)
''',
        tests='''    assert candidate([]) == 0
    assert candidate([1]) == 1
    assert candidate([5, 6, 7]) == 3
''',
    ),
    dict(
        prompt='''def min_of_three(a: int, b: int, c: int) -> int:
    """Find the smallest of three integers.
    >>> min_of_three(5, 2, 8)
    2
    """
''',
        solution='''    return min(a, b, c)
''',
        tests='''    assert candidate(1, 2, 3) == 1
    assert candidate(3, 2, 1) == 1
    assert candidate(-1, 0, -5) == -5
    assert candidate(7, 7, 7) == 7
''',
    ),
    dict(
        prompt='''def is_negative(n: int) -> bool:
    """Say whether n lies strictly below zero.
    >>> is_negative(-3)
    True
    >>> is_negative(0)
    False
    """
''',
        solution='''    return n < 0
''',
        tests='''    assert candidate(-1) == True
    assert candidate(0) == False
    assert candidate(15) == False
    assert candidate(-999) == True
''',
    ),
    dict(
        prompt='''def starts_with(text: str, prefix: str) -> bool:
    """Check whether text begins with the characters of prefix.
    >>> starts_with('python', 'py')
    True
    """
''',
        solution='''    return text.startswith(prefix)
''',
        tests='''    assert candidate('hello', 'he') == True
    assert candidate('hello', 'lo') == False
    assert candidate('abc', '') == True
    assert candidate('ab', 'abc') == False
''',
    ),
    dict(
        prompt='''from typing import List


def double_all(values: List[int]) -> List[int]:
    """Build a new list where each number of values is twice as large.
    >>> double_all([1, 5, -2])
    [2, 10, -4]
    """
''',
        solution='''    return [v * 2 for v in values]
''',
        tests='''    assert candidate([]) == []
    assert candidate([0, 1, 2]) == [0, 2, 4]
    assert candidate([-3]) == [-6]
    assert candidate([10, 20]) == [20, 40]
''',
    ),
    dict(
        prompt='''def absolute_difference(a: int, b: int) -> int:
    """How far apart a and b are on the number line (never negative).
    >>> absolute_difference(3, 10)
    7
    """
''',
        solution='''    return abs(a - b)
''',
        tests='''    assert candidate(10, 3) == 7
    assert candidate(3, 10) == 7
    assert candidate(-2, 2) == 4
    assert candidate(5, 5) == 0
''',
    ),
    dict(
        prompt='''def count_char(text: str, ch: str) -> int:
    """Count the places in text where the single character ch appears.
    >>> count_char('banana', 'a')
    3
    """
''',
        solution='''    return text.count(ch)
''',
        tests='''    assert candidate('hello', 'l') == 2
    assert candidate('hello', 'z') == 0
    assert candidate('', 'a') == 0
    assert candidate('aaaa', 'a') == 4
''',
    ),
    dict(
        prompt='''from typing import List


def contains_item(items: List[int], target: int) -> bool:
    """Report whether target is one of the items.
    >>> contains_item([2, 4, 6], 4)
    True
    """
''',
        solution='''    return target in items
''',
        tests='''    assert candidate([1, 2, 3], 2) == True
    assert candidate([1, 2, 3], 5) == False
    assert candidate([], 0) == False
    assert candidate([-1, -2], -2) == True
''',
    ),
    dict(
        prompt='''def celsius_to_fahrenheit(celsius: float) -> float:
    """Convert a temperature from degrees Celsius to degrees Fahrenheit.
    >>> celsius_to_fahrenheit(100)
    212.0
    """
''',
        solution='''    return celsius * 9 / 5 + 32
''',
        tests='''    assert candidate(0) == 32.0
    assert candidate(-40) == -40.0
    assert candidate(100) == 212.0
    assert candidate(25) == 77.0
''',
    ),
    dict(
        prompt='''def is_divisible(n: int, d: int) -> bool:
    """Decide whether d goes into n with nothing left over; d is never zero.
    >>> is_divisible(12, 4)
    True
    """
''',
        solution='''    return n % d == 0
''',
        tests='''    assert candidate(10, 5) == True
    assert candidate(10, 3) == False
    assert candidate(0, 7) == True
    assert candidate(-9, 3) == True
''',
    ),
    dict(
        prompt='''from typing import List


def average(values: List[float]) -> float:
    """Arithmetic mean of a non-empty list of numbers.
    >>> average([2, 4, 9])
    5.0
    """
''',
        solution='''    return sum(values) / len(values)
''',
        tests='''    assert candidate([1, 2, 3]) == 2.0
    assert candidate([5]) == 5.0
    assert candidate([1, 2]) == 1.5
    assert candidate([-4, 4]) == 0.0
''',
    ),
    dict(
        prompt='''def word_count(sentence: str) -> int:
    """Number of words in sentence, where words are separated by runs of whitespace.
    >>> word_count('the cat  sat')
    3
    """
''',
        solution='''    return len(sentence.split())
''',
        tests='''    assert candidate('one') == 1
    assert candidate('') == 0
    assert candidate('  lots   of   space  ') == 3
    assert candidate('a b c d e') == 5
''',
    ),
    dict(
        prompt='''def repeat_string(text: str, times: int) -> str:
    """Write text out the given number of times, back to back.
    >>> repeat_string('ab', 3)
    'ababab'
    """
''',
        solution='''    return text * times
''',
        tests='''    assert candidate('x', 4) == 'xxxx'
    assert candidate('hi', 0) == ''
    assert candidate('', 5) == ''
    assert candidate('ok ', 2) == 'ok ok '
''',
    ),
    dict(
        prompt='''from typing import List


def sort_list(values: List[int]) -> List[int]:
    """Return a new list holding the same numbers from smallest to largest.
    >>> sort_list([3, 1, 2])
    [1, 2, 3]
    """
''',
        solution='''    return sorted(values)
''',
        tests='''    assert candidate([]) == []
    assert candidate([5, -1, 3, 3]) == [-1, 3, 3, 5]
    assert candidate([9]) == [9]
    assert candidate([4, 3, 2, 1]) == [1, 2, 3, 4]
''',
    ),
    dict(
        prompt='''def initial(name: str) -> str:
    """The first letter of a non-empty name, as a capital letter.
    >>> initial('ada')
    'A'
    """
''',
        solution='''    return name[0].upper()
''',
        tests='''    assert candidate('grace') == 'G'
    assert candidate('Linus') == 'L'
    assert candidate('x') == 'X'
''',
    ),
    dict(
        prompt='''from typing import List


def is_empty(items: List[int]) -> bool:
    """True when the list has no items at all.
    >>> is_empty([])
    True
    """
''',
        solution='''    return len(items) == 0
''',
        tests='''    assert candidate([]) == True
    assert candidate([0]) == False
    assert candidate([1, 2, 3]) == False
''',
    ),
    dict(
        prompt='''def remove_spaces(text: str) -> str:
    """Drop every space character from text and keep everything else in order.
    >>> remove_spaces('a b  c')
    'abc'
    """
''',
        solution='''    return text.replace(' ', '')
''',
        tests='''    assert candidate('hello world') == 'helloworld'
    assert candidate('') == ''
    assert candidate('   ') == ''
    assert candidate('no-spaces') == 'no-spaces'
''',
    ),
    dict(
        prompt='''def rectangle_area(width: int, height: int) -> int:
    """Area covered by a rectangle with the given side lengths.
    >>> rectangle_area(3, 4)
    12
    """
''',
        solution='''    return width * height
''',
        tests='''    assert candidate(1, 1) == 1
    assert candidate(5, 0) == 0
    assert candidate(7, 6) == 42
''',
    ),
    dict(
        prompt='''from typing import List


def unique_count(values: List[int]) -> int:
    """How many different numbers appear in values.
    >>> unique_count([1, 1, 2, 3, 3])
    3
    """
''',
        solution='''    return len(set(values))
''',
        tests='''    assert candidate([]) == 0
    assert candidate([4, 4, 4]) == 1
    assert candidate([1, 2, 3, 4]) == 4
    assert candidate([-1, 1, -1, 0]) == 3
''',
    ),
    dict(
        prompt='''def ends_with_period(sentence: str) -> bool:
    """Whether the last character of sentence is a full stop '.'.
    >>> ends_with_period('Done.')
    True
    """
''',
        solution='''    return sentence.endswith('.')
''',
        tests='''    assert candidate('Hello.') == True
    assert candidate('Hello') == False
    assert candidate('') == False
    assert candidate('Is it?') == False
''',
    ),
    dict(
        prompt='''from typing import Tuple


def swap_pair(pair: Tuple[int, int]) -> Tuple[int, int]:
    """Return the two numbers of pair in the other order.
    >>> swap_pair((1, 2))
    (2, 1)
    """
''',
        solution='''    return (pair[1], pair[0])
''',
        tests='''    assert candidate((5, 9)) == (9, 5)
    assert candidate((0, 0)) == (0, 0)
    assert candidate((-3, 7)) == (7, -3)
''',
    ),
]
