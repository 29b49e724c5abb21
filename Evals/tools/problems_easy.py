"""Band 2 of basic-python: easy problems solved by a short loop or a comprehension.

Same shape as problems_very_easy.py.
"""

PROBLEMS = [
    dict(
        prompt='''def count_vowels(text: str) -> int:
    """Count the letters of text that are one of a, e, i, o, u, in either case.
    >>> count_vowels('Education')
    5
    """
''',
        solution='''    total = 0
    for ch in text.lower():
        if ch in 'aeiou':
            total += 1
    return total
''',
        tests='''    assert candidate('') == 0
    assert candidate('rhythm') == 0
    assert candidate('AEIOU') == 5
    assert candidate('Hello World') == 3
''',
    ),
    dict(
        prompt='''from typing import List


def evens_only(values: List[int]) -> List[int]:
    """Keep the even numbers of values, in the order they came.
    >>> evens_only([1, 2, 3, 4])
    [2, 4]
    """
''',
        solution='''    return [v for v in values if v % 2 == 0]
''',
        tests='''    assert candidate([]) == []
    assert candidate([1, 3, 5]) == []
    assert candidate([0, -2, 7, 8]) == [0, -2, 8]
    assert candidate([6, 6, 1]) == [6, 6]
''',
    ),
    dict(
        prompt='''from typing import List


def product_of_list(values: List[int]) -> int:
    """Multiply all the numbers together; the product of no numbers is 1.
    >>> product_of_list([2, 3, 4])
    24
    """
''',
        solution='''    result = 1
    for v in values:
        result *= v
    return result
''',
        tests='''    assert candidate([]) == 1
    assert candidate([5]) == 5
    assert candidate([1, 2, 3, 4, 5]) == 120
    assert candidate([-2, 3, 0]) == 0
    assert candidate([-1, -1, -1]) == -1
''',
    ),
    dict(
        prompt='''from typing import List


def count_positive(values: List[int]) -> int:
    """How many of the numbers are greater than zero.
    >>> count_positive([-1, 0, 2, 5])
    2
    """
''',
        solution='''    return sum(1 for v in values if v > 0)
''',
        tests='''    assert candidate([]) == 0
    assert candidate([0, 0]) == 0
    assert candidate([1, 2, 3]) == 3
    assert candidate([-5, 4, -3, 2]) == 2
''',
    ),
    dict(
        prompt='''from typing import List


def squares_up_to(n: int) -> List[int]:
    """The squares of 1, 2, ..., n in increasing order (empty when n < 1).
    >>> squares_up_to(4)
    [1, 4, 9, 16]
    """
''',
        solution='''    return [i * i for i in range(1, n + 1)]
''',
        tests='''    assert candidate(0) == []
    assert candidate(1) == [1]
    assert candidate(5) == [1, 4, 9, 16, 25]
    assert candidate(-3) == []
''',
    ),
    dict(
        prompt='''from typing import List


def longest_word(words: List[str]) -> str:
    """The word with the most characters; if several share that length, the earliest one.
    The list is never empty.
    >>> longest_word(['hi', 'hello', 'hey'])
    'hello'
    """
''',
        solution='''    best = words[0]
    for word in words[1:]:
        if len(word) > len(best):
            best = word
    return best
''',
        tests='''    assert candidate(['a']) == 'a'
    assert candidate(['ab', 'cd', 'e']) == 'ab'
    assert candidate(['x', 'yyy', 'zz', 'www']) == 'yyy'
    assert candidate(['', 'q']) == 'q'
''',
    ),
    dict(
        prompt='''from typing import Dict


def char_frequency(text: str) -> Dict[str, int]:
    """Map each character of text to the number of times it occurs.
    >>> char_frequency('abca')
    {'a': 2, 'b': 1, 'c': 1}
    """
''',
        solution='''    counts = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    return counts
''',
        tests='''    assert candidate('') == {}
    assert candidate('zzz') == {'z': 3}
    assert candidate('a b') == {'a': 1, ' ': 1, 'b': 1}
    assert candidate('mississippi') == {'m': 1, 'i': 4, 's': 4, 'p': 2}
''',
    ),
    dict(
        prompt='''from typing import List


def index_of(items: List[int], target: int) -> int:
    """Position of the first item equal to target, or -1 when target is absent.
    >>> index_of([5, 7, 7], 7)
    1
    """
''',
        solution='''    for i, item in enumerate(items):
        if item == target:
            return i
    return -1
''',
        tests='''    assert candidate([1, 2, 3], 1) == 0
    assert candidate([1, 2, 3], 3) == 2
    assert candidate([1, 2, 3], 4) == -1
    assert candidate([], 0) == -1
    assert candidate([9, 8, 9], 9) == 0
''',
    ),
    dict(
        prompt='''def sum_of_digits(n: int) -> int:
    """Add together the decimal digits of the non-negative integer n.
    >>> sum_of_digits(1234)
    10
    """
''',
        solution='''    total = 0
    while n > 0:
        total += n % 10
        n //= 10
    return total
''',
        tests='''    assert candidate(0) == 0
    assert candidate(7) == 7
    assert candidate(999) == 27
    assert candidate(10001) == 2
''',
    ),
    dict(
        prompt='''def factorial(n: int) -> int:
    """n! for a non-negative n: the product 1 * 2 * ... * n, with 0! equal to 1.
    >>> factorial(5)
    120
    """
''',
        solution='''    result = 1
    for i in range(2, n + 1):
        result *= i
    return result
''',
        tests='''    assert candidate(0) == 1
    assert candidate(1) == 1
    assert candidate(3) == 6
    assert candidate(10) == 3628800
''',
    ),
    dict(
        prompt='''def reverse_words(sentence: str) -> str:
    """Put the words of sentence in the opposite order, joined by single spaces.
    >>> reverse_words('one two three')
    'three two one'
    """
''',
        solution='''    return ' '.join(reversed(sentence.split()))
''',
        tests='''    assert candidate('hello') == 'hello'
    assert candidate('') == ''
    assert candidate('a b') == 'b a'
    assert candidate('  keep   it simple ') == 'simple it keep'
''',
    ),
    dict(
        prompt='''from typing import List


def running_total(values: List[int]) -> List[int]:
    """Element i of the result is the sum of values[0] through values[i].
    >>> running_total([1, 2, 3, 4])
    [1, 3, 6, 10]
    """
''',
        solution='''    totals = []
    current = 0
    for v in values:
        current += v
        totals.append(current)
    return totals
''',
        tests='''    assert candidate([]) == []
    assert candidate([5]) == [5]
    assert candidate([3, -3, 3]) == [3, 0, 3]
    assert candidate([0, 0, 1]) == [0, 0, 1]
''',
    ),
    dict(
        prompt='''from typing import List


def count_longer_than(words: List[str], length: int) -> int:
    """How many words have strictly more than length characters.
    >>> count_longer_than(['a', 'abc', 'abcd'], 2)
    2
    """
''',
        solution='''    return len([w for w in words if len(w) > length])
''',
        tests='''    assert candidate([], 0) == 0
    assert candidate(['x', 'yy'], 0) == 2
    assert candidate(['cat', 'dog'], 3) == 0
    assert candidate(['tree', 'a', 'forest'], 1) == 2
''',
    ),
    dict(
        prompt='''from typing import List


def all_same(values: List[int]) -> bool:
    """True when every number in values equals every other one (an empty list counts).
    >>> all_same([3, 3, 3])
    True
    """
''',
        solution='''    for v in values:
        if v != values[0]:
            return False
    return True
''',
        tests='''    assert candidate([]) == True
    assert candidate([1]) == True
    assert candidate([2, 2, 3]) == False
    assert candidate([0, 0, 0, 0]) == True
''',
    ),
    dict(
        prompt='''from typing import List


def pairwise_sums(a: List[int], b: List[int]) -> List[int]:
    """Add two lists of equal length position by position.
    >>> pairwise_sums([1, 2], [10, 20])
    [11, 22]
    """
''',
        solution='''    return [x + y for x, y in zip(a, b)]
''',
        tests='''    assert candidate([], []) == []
    assert candidate([1, 1, 1], [2, 3, 4]) == [3, 4, 5]
    assert candidate([-1], [1]) == [0]
''',
    ),
    dict(
        prompt='''def acronym(phrase: str) -> str:
    """Capitalised first letters of the words of phrase.
    >>> acronym('portable network graphics')
    'PNG'
    """
''',
        solution='''    return ''.join(word[0].upper() for word in phrase.split())
''',
        tests='''    assert candidate('as soon as possible') == 'ASAP'
    assert candidate('') == ''
    assert candidate('Graphics Processing unit') == 'GPU'
    assert candidate('single') == 'S'
''',
    ),
    dict(
        prompt='''from typing import List


def filter_short(words: List[str], max_len: int) -> List[str]:
    """Keep only the words whose length is at most max_len, preserving order.
    >>> filter_short(['tiny', 'enormous', 'ok'], 4)
    ['tiny', 'ok']
    """
''',
        solution='''    return [w for w in words if len(w) <= max_len]
''',
        tests='''    assert candidate([], 3) == []
    assert candidate(['abc', 'abcd'], 3) == ['abc']
    assert candidate(['a', 'b'], 0) == []
    assert candidate(['', 'x'], 0) == ['']
''',
    ),
    dict(
        prompt='''from typing import List


def value_range(values: List[int]) -> int:
    """Distance between the largest and the smallest number of a non-empty list.
    >>> value_range([4, 9, 1])
    8
    """
''',
        solution='''    return max(values) - min(values)
''',
        tests='''    assert candidate([5]) == 0
    assert candidate([1, 2, 3]) == 2
    assert candidate([-10, 10]) == 20
    assert candidate([7, 7, 3]) == 4
''',
    ),
    dict(
        prompt='''from typing import List


def multiples(n: int, count: int) -> List[int]:
    """The first count multiples of n: n, 2n, 3n, ...
    >>> multiples(3, 4)
    [3, 6, 9, 12]
    """
''',
        solution='''    return [n * i for i in range(1, count + 1)]
''',
        tests='''    assert candidate(5, 0) == []
    assert candidate(1, 3) == [1, 2, 3]
    assert candidate(-2, 3) == [-2, -4, -6]
    assert candidate(7, 1) == [7]
''',
    ),
    dict(
        prompt='''def count_digits_in(text: str) -> int:
    """How many characters of text are the decimal digits 0 to 9.
    >>> count_digits_in('r2d2')
    2
    """
''',
        solution='''    return sum(1 for ch in text if ch in '0123456789')
''',
        tests='''    assert candidate('') == 0
    assert candidate('abc') == 0
    assert candidate('2024-01-31') == 8
    assert candidate('7') == 1
''',
    ),
    dict(
        prompt='''from typing import List


def dedupe_keep_order(values: List[int]) -> List[int]:
    """Drop repeated numbers, keeping the first time each one shows up.
    >>> dedupe_keep_order([3, 1, 3, 2, 1])
    [3, 1, 2]
    """
''',
        solution='''    seen = set()
    result = []
    for v in values:
        if v not in seen:
            seen.add(v)
            result.append(v)
    return result
''',
        tests='''    assert candidate([]) == []
    assert candidate([1, 1, 1]) == [1]
    assert candidate([1, 2, 3]) == [1, 2, 3]
    assert candidate([5, 4, 5, 4, 6]) == [5, 4, 6]
''',
    ),
    dict(
        prompt='''def capitalize_words(sentence: str) -> str:
    """Make the first letter of each word a capital and the rest lower case;
    words in the result are separated by one space.
    >>> capitalize_words('hello big WORLD')
    'Hello Big World'
    """
''',
        solution='''    return ' '.join(word.capitalize() for word in sentence.split())
''',
        tests='''    assert candidate('') == ''
    assert candidate('a') == 'A'
    assert candidate('pYTHON is   fun') == 'Python Is Fun'
''',
    ),
    dict(
        prompt='''from typing import List


def min_index(values: List[int]) -> int:
    """Position of the smallest number in a non-empty list (the first one on a tie).
    >>> min_index([4, 2, 8, 2])
    1
    """
''',
        solution='''    best = 0
    for i in range(1, len(values)):
        if values[i] < values[best]:
            best = i
    return best
''',
        tests='''    assert candidate([1]) == 0
    assert candidate([3, 2, 1]) == 2
    assert candidate([-1, 5, -1]) == 0
    assert candidate([10, 9, 11, 0, 4]) == 3
''',
    ),
    dict(
        prompt='''def sum_of_odds(n: int) -> int:
    """Total of the odd numbers from 1 up to and including n.
    >>> sum_of_odds(7)
    16
    """
''',
        solution='''    return sum(i for i in range(1, n + 1, 2))
''',
        tests='''    assert candidate(0) == 0
    assert candidate(1) == 1
    assert candidate(6) == 9
    assert candidate(10) == 25
''',
    ),
    dict(
        prompt='''from typing import List


def flatten(nested: List[List[int]]) -> List[int]:
    """Concatenate the inner lists into one list, keeping their order.
    >>> flatten([[1, 2], [], [3]])
    [1, 2, 3]
    """
''',
        solution='''    return [x for inner in nested for x in inner]
''',
        tests='''    assert candidate([]) == []
    assert candidate([[], []]) == []
    assert candidate([[5]]) == [5]
    assert candidate([[1], [2, 3], [4, 5, 6]]) == [1, 2, 3, 4, 5, 6]
''',
    ),
]
